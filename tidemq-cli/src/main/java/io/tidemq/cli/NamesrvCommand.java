package io.tidemq.cli;

import io.tidemq.controller.service.ControllerConfig;
import io.tidemq.controller.service.ControllerServer;
import io.tidemq.namesrv.config.NamesrvConfig;
import io.tidemq.namesrv.config.NamesrvConfigKeys;
import picocli.CommandLine;
import io.tidemq.namesrv.NamesrvController;
import io.tidemq.namesrv.replication.PrimaryLeadership;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Properties;

/** {@code tidemq namesrv}: one NameServer, configured by a properties file; runs until SIGTERM / Ctrl-C. */
@Command(name = "namesrv", mixinStandardHelpOptions = true,
        description = {"Runs a NameServer until Ctrl-C or SIGTERM.",
                "Config keys (docs/configuration.md, NameServer): listenPort, bindAddress, brokerExpireMs,"
                        + " scanIntervalMs, requestThreads, eventQueueCapacity, metricsPort, namesrvReplicationMode,"
                        + " namesrvPrimary, namesrvPeers, namesrvSelfAddr, namesrvSemiSyncAcks, namesrvBackupLagMaxMs,"
                        + " namesrvOpRingSize."},
        footer = {"", "Example:", "  tidemq namesrv --config conf/namesrv.properties --port 9876"})
public final class NamesrvCommand extends ServerCommand {

    /** Prefix of the line printed once the NameServer listens. */
    public static final String READY_PREFIX = "TideMQ NameServer ready at ";

    @Option(names = "--config", paramLabel = "FILE",
            description = "A Java properties file with NameServer keys (defaults apply to keys it leaves out).")
    Path config;

    @Option(names = "--port", paramLabel = "PORT", description = "Overrides listenPort; 0 picks a free port.")
    Integer port;

    @Option(names = "--metrics-port", paramLabel = "PORT",
            description = "Overrides metricsPort: serve /metrics (Prometheus) on this port, e.g. 5558; 0 picks a free"
                    + " port, -1 serves none (default: the config's metricsPort, else none).")
    Integer metricsPort;

    @Option(names = "--controller-config", paramLabel = "FILE",
            description = "Also run a failover-controller peer in this process, configured by this properties file"
                    + " (docs/configuration.md, Controller).")
    Path controllerConfig;

    @Override
    public Integer call() throws InterruptedException {
        PrintWriter out = spec.commandLine().getOut();
        CommandLine cl = spec.commandLine();
        if (port != null) {
            OptionChecks.range(cl, "--port", NamesrvConfigKeys.LISTEN_PORT, port);
        }
        if (metricsPort != null) {
            OptionChecks.range(cl, "--metrics-port", NamesrvConfigKeys.METRICS_PORT, metricsPort);
        }
        Properties p = PropertiesFiles.load(config);
        if (port != null) {
            p.setProperty("listenPort", Integer.toString(port));
        }
        if (metricsPort != null) {
            p.setProperty("metricsPort", Integer.toString(metricsPort));
        }
        NamesrvConfig c = NamesrvConfig.fromProperties(p);
        ControllerConfig cc = controllerConfig == null ? null
                : ControllerConfig.fromProperties(PropertiesFiles.load(controllerConfig));
        ServerLifecycle lc = newLifecycle("TideMQ NameServer", out);
        ControllerServer controller = null;
        if (cc != null) {
            controller = lc.startUp(() -> lc.manage(ControllerServer.start(cc),
                    "  controller " + cc.controllerId() + " stopped"));
            out.println(ControllerCommand.readyLine(controller));
        }
        // with a controller peer in this process, the NameServer beside the controller's leader is the primary
        ControllerServer local = controller;
        // and in CHAIN mode the chain order is the controller's (proposed by that primary, followed by every node)
        PrimaryLeadership leadership = local == null ? null
                : lc.manage(new ControllerPrimaryLeadership(local.node()), "  NameServer chain proposer stopped");
        NamesrvController namesrv = lc.startUp(() -> {
            NamesrvController n = lc.manage(new NamesrvController(c, leadership), "  NameServer stopped");
            n.start();
            return n;
        });
        out.println(READY_PREFIX + namesrv.config().bindAddress() + ":" + namesrv.port()
                + "  (clients and brokers use <this host's IP>:" + namesrv.port() + ")");
        if (namesrv.metricsPort() >= 0) {
            out.println("Metrics: http://" + namesrv.config().bindAddress() + ":" + namesrv.metricsPort() + "/metrics");
        }
        out.flush();
        lc.awaitStopped();
        return 0;
    }
}
