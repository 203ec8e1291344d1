package io.tidemq.cli;

import io.tidemq.client.admin.AdminClient;
import io.tidemq.common.json.Json;
import picocli.CommandLine;
import picocli.CommandLine.Option;

import java.io.PrintWriter;

/** Options of every {@code tidemq admin} command: the NameServers, the request timeout, and {@code --json}. */
final class AdminOptions {

    @Option(names = "--namesrv", paramLabel = "ADDR",
            defaultValue = "${env:TIDEMQ_NAMESRV:-127.0.0.1:9876}",
            description = "NameServer address(es), host:port;host:port (default: $TIDEMQ_NAMESRV or ${DEFAULT-VALUE}).")
    String namesrv;

    @Option(names = "--request-timeout-ms", paramLabel = "MS", defaultValue = "5000",
            description = "Limit of each request to a NameServer or broker (default: ${DEFAULT-VALUE}).")
    long requestTimeoutMs;

    @Option(names = "--json", description = "Print machine-readable JSON instead of tables.")
    boolean json;

    /** The command these options belong to (for usage errors). */
    @CommandLine.Spec(CommandLine.Spec.Target.MIXEE)
    CommandLine.Model.CommandSpec mixee;

    /** @throws CommandLine.ParameterException when --namesrv is malformed */
    AdminClient connect() {
        NamesrvOption.check(mixee, namesrv);
        return AdminClient.connect(namesrv, requestTimeoutMs);
    }

    /** Prints {@code value} as pretty JSON with --json, else {@code text}. */
    void print(PrintWriter out, Object value, String text) {
        out.print(json ? Json.toPrettyString(value) + System.lineSeparator() : text);
        out.flush();
    }
}
