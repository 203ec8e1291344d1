package io.tidemq.cli;

import io.tidemq.controller.service.ControllerConfig;
import io.tidemq.controller.service.ControllerConfigKeys;
import io.tidemq.controller.service.ControllerServer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Properties;

/** {@code tidemq controller}: one failover-controller peer, configured by a properties file; runs until SIGTERM. */
@Command(name = "controller", mixinStandardHelpOptions = true,
        description = {"Runs one peer of the failover controller (a Ratis quorum, usually 3 peers) until Ctrl-C or"
                + " SIGTERM. 'tidemq namesrv --controller-config FILE' runs the same peer inside a NameServer.",
                "Config keys (docs/configuration.md, Controller): controllerId, controllerPeers, controllerListenPort,"
                        + " bindAddress, controllerStorePath, masterLeaseMs, controllerScanIntervalMs,"
                        + " electionTimeoutMinMs, electionTimeoutMaxMs, snapshotEveryEntries, metricsPort."},
        footer = {"", "Example:", "  tidemq controller --config conf/controller-c0.properties"})
public final class ControllerCommand extends ServerCommand {

    /** Prefix of the line printed once the peer serves requests. */
    public static final String READY_PREFIX = "TideMQ controller ready: ";

    @Option(names = "--config", paramLabel = "FILE",
            description = "A Java properties file with Controller keys (defaults apply to keys it leaves out).")
    Path config;

    @Option(names = "--port", paramLabel = "PORT", description = "Overrides controllerListenPort; 0 picks a free port.")
    Integer port;

    @Option(names = "--metrics-port", paramLabel = "PORT",
            description = "Overrides metricsPort: serve /metrics (Prometheus) on this port; 0 picks a free port, -1"
                    + " serves none (default: the config's metricsPort, else none).")
    Integer metricsPort;

    static String readyLine(ControllerServer server) {
        return READY_PREFIX + server.config().controllerId() + " serves " + server.config().bindAddress() + ":"
                + server.listenPort() + ", Ratis on " + server.self().address() + ", peers "
                + server.config().controllerPeers();
    }

    @Override
    public Integer call() throws InterruptedException {
        PrintWriter out = spec.commandLine().getOut();
        Properties p = PropertiesFiles.load(config);
        if (metricsPort != null) {
            OptionChecks.range(spec.commandLine(), "--metrics-port", ControllerConfigKeys.METRICS_PORT, metricsPort);
            p.setProperty("metricsPort", Integer.toString(metricsPort));
        }
        if (port != null) {
            p.setProperty("controllerListenPort", Integer.toString(port));
        }
        ControllerConfig c = ControllerConfig.fromProperties(p);
        ServerLifecycle lc = newLifecycle("TideMQ controller", out);
        ControllerServer server = lc.startUp(() -> lc.manage(ControllerServer.start(c),
                "  controller " + c.controllerId() + " stopped"));
        out.println(readyLine(server));
        if (server.metricsPort() >= 0) {
            out.println("Metrics: http://" + c.bindAddress() + ":" + server.metricsPort() + "/metrics");
        }
        out.flush();
        lc.awaitStopped();
        return 0;
    }
}
