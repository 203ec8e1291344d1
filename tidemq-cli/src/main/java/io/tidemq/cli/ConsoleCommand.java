package io.tidemq.cli;

import io.tidemq.console.ConsoleOptions;
import io.tidemq.console.ConsoleServer;
import io.tidemq.console.ConsoleStartException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;

/**
 * {@code tidemq console}: the web console on its own, pointed at the NameServers of a cluster; it reaches the
 * cluster through the admin protocol only. Runs until SIGTERM / Ctrl-C.
 */
@Command(name = "console", mixinStandardHelpOptions = true,
        description = {"Runs the web console for the cluster of --namesrv until Ctrl-C or SIGTERM.",
                "Login is required: the first start creates the user admin with a random password, printed once."},
        footer = {"", "Example:", "  tidemq console --namesrv '10.0.0.1:9876;10.0.0.2:9876' --data /var/lib/tidemq-console"
                + " --bind 0.0.0.0"})
public final class ConsoleCommand extends ServerCommand {

    /** Prefix of the line printed once the console serves. */
    public static final String READY_PREFIX = "TideMQ console ready at ";

    @Option(names = "--namesrv", paramLabel = "HOST:PORT[;HOST:PORT]",
            defaultValue = "${env:TIDEMQ_NAMESRV:-127.0.0.1:9876}",
            description = "The cluster's NameServers (default: $TIDEMQ_NAMESRV, else 127.0.0.1:9876).")
    String namesrv;

    @Option(names = "--data", paramLabel = "DIR", defaultValue = "console-data",
            description = "Where the console keeps its users file (default: ${DEFAULT-VALUE}).")
    Path dataDir;

    @Option(names = "--bind", paramLabel = "ADDR", defaultValue = "127.0.0.1",
            description = "Local address the console listens on (default: ${DEFAULT-VALUE}, this machine only).")
    String bind;

    @Option(names = "--request-timeout-ms", paramLabel = "MS", defaultValue = "5000",
            description = "Limit of each admin request to a NameServer or broker (default: ${DEFAULT-VALUE}).")
    long requestTimeoutMs;

    @Mixin
    ConsoleOptionsMixin console;

    @Override
    public Integer call() throws InterruptedException {
        PrintWriter out = spec.commandLine().getOut();
        List<String> namesrvAddrs = NamesrvOption.check(spec, namesrv);
        if (console.consolePort < 0 || console.consolePort > 65_535) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--console-port must be in [0, 65535]");
        }
        if (requestTimeoutMs < 1 || requestTimeoutMs > 600_000) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--request-timeout-ms must be in [1, 600000]");
        }
        Path data = dataDir.toAbsolutePath().normalize();
        ConsoleOptions options = new ConsoleOptions(bind.trim(), console.consolePort, namesrvAddrs,
                ConsoleOptions.usersFileIn(data), console.insecure, requestTimeoutMs);
        ServerLifecycle lc = newLifecycle("TideMQ console", out);
        ConsoleServer server = lc.startUp(() -> {
            try {
                return lc.manage(ConsoleServer.start(options), "  console stopped");
            } catch (ConsoleStartException e) {
                throw new CommandFailedException(e.getMessage(), e);
            }
        });
        out.println("TideMQ console for the NameServers " + options.namesrvAddrs());
        ConsoleOptionsMixin.printLogin(out, server);
        out.println(READY_PREFIX + server.url());
        out.flush();
        lc.awaitStopped();
        return 0;
    }
}
