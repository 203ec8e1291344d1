package io.tidemq.cli;

import io.tidemq.client.ClientConfig;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/** Options every client command shares: where the NameServers are and how long a request may take. */
final class ClientOptions {

    @Option(names = "--namesrv", paramLabel = "ADDR",
            defaultValue = "${env:TIDEMQ_NAMESRV:-127.0.0.1:9876}",
            description = "NameServer address(es), host:port;host:port (default: $TIDEMQ_NAMESRV or ${DEFAULT-VALUE}).")
    String namesrv;

    @Option(names = "--request-timeout-ms", paramLabel = "MS", defaultValue = "3000",
            description = "Limit of each request to a NameServer or broker (default: ${DEFAULT-VALUE}).")
    long requestTimeoutMs;

    /** The command these options belong to (for usage errors). */
    @CommandLine.Spec(CommandLine.Spec.Target.MIXEE)
    CommandLine.Model.CommandSpec mixee;

    /**
     * A client configuration for these options; instanceName keeps CLI clients apart from others in the JVM.
     *
     * @throws CommandLine.ParameterException when --namesrv is malformed
     */
    ClientConfig clientConfig(String instanceName) {
        NamesrvOption.check(mixee, namesrv);
        return ClientConfig.builder().namesrvAddrs(namesrv).requestTimeoutMs(requestTimeoutMs)
                .instanceName(instanceName).build();
    }
}
