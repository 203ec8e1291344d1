package io.tidemq.cli;

import picocli.CommandLine;

/**
 * Checks a {@code --namesrv} value before anything connects, so a malformed address is a usage error (exit 2)
 * that names the option, or {@code $TIDEMQ_NAMESRV} when the value came from there, not a config key.
 */
final class NamesrvOption {

    static final String ENV = "TIDEMQ_NAMESRV";

    private NamesrvOption() {
    }

    /** @throws CommandLine.ParameterException when an entry is not {@code host:port} with a port in [1, 65535] */
    static void check(CommandLine.Model.CommandSpec spec, String value) {
        CommandLine cl = spec.commandLine();
        boolean given = cl.getParseResult() != null && cl.getParseResult().hasMatchedOption("--namesrv");
        String source = given || System.getenv(ENV) == null ? "--namesrv" : "$" + ENV + " (used as --namesrv)";
        int entries = 0;
        for (String raw : value.split("[;,]")) {
            String a = raw.trim();
            if (a.isEmpty()) {
                continue;
            }
            entries++;
            int colon = a.lastIndexOf(':');
            int port = -1;
            if (colon > 0) {
                try {
                    port = Integer.parseInt(a.substring(colon + 1));
                } catch (NumberFormatException e) {
                    port = -1;
                }
            }
            if (port < 1 || port > 65_535) {
                throw new CommandLine.ParameterException(cl, source + " entry '" + a + "' is not host:port with a"
                        + " port in [1, 65535]; give the NameServers as host:port;host:port, e.g. --namesrv"
                        + " 127.0.0.1:9876");
            }
        }
        if (entries == 0) {
            throw new CommandLine.ParameterException(cl, source + " '" + value + "' names no NameServer; give"
                    + " host:port;host:port, e.g. --namesrv 127.0.0.1:9876");
        }
    }
}
