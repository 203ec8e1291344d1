package io.tidemq.cli;

import io.tidemq.common.net.HostPort;
import io.tidemq.common.net.InvalidAddressException;
import picocli.CommandLine;

import java.util.List;

/**
 * Checks a {@code --namesrv} value before anything connects, so a malformed address is a usage error (exit 2)
 * that names the option, or {@code $TIDEMQ_NAMESRV} when the value came from there, not a config key.
 */
final class NamesrvOption {

    static final String ENV = "TIDEMQ_NAMESRV";

    private NamesrvOption() {
    }

    /**
     * @return the NameServer addresses, in order ({@code host:port;host:port}, parsed by {@link HostPort})
     * @throws CommandLine.ParameterException when an entry is not {@code host:port} with a port in [1, 65535],
     *                                        or the value names none
     */
    static List<String> check(CommandLine.Model.CommandSpec spec, String value) {
        CommandLine cl = spec.commandLine();
        boolean given = cl.getParseResult() != null && cl.getParseResult().hasMatchedOption("--namesrv");
        String source = given || System.getenv(ENV) == null ? "--namesrv" : "$" + ENV + " (used as --namesrv)";
        List<String> addrs;
        try {
            addrs = HostPort.parseListAsText(value, source + " entry");
        } catch (InvalidAddressException e) {
            throw new CommandLine.ParameterException(cl, e.getMessage() + "; e.g. --namesrv 127.0.0.1:9876");
        }
        if (addrs.isEmpty()) {
            throw new CommandLine.ParameterException(cl, source + " '" + value + "' names no NameServer; give"
                    + " host:port;host:port, e.g. --namesrv 127.0.0.1:9876");
        }
        return addrs;
    }
}
