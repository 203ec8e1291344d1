package io.tidemq.cli;

import io.tidemq.broker.config.BrokerConfigKeys;
import picocli.CommandLine;
import io.tidemq.broker.BrokerController;
import io.tidemq.broker.config.BrokerConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Properties;

/** {@code tidemq broker}: one broker, configured by a properties file; runs until SIGTERM / Ctrl-C. */
@Command(name = "broker", mixinStandardHelpOptions = true,
        description = {"Runs a broker until Ctrl-C or SIGTERM.",
                "Config keys: the broker's and the store's, listed in docs/configuration.md (Broker)."},
        footer = {"", "Example:",
                "  tidemq broker --config conf/broker-a.properties --namesrv 10.0.0.1:9876;10.0.0.2:9876"})
public final class BrokerCommand extends ServerCommand {

    /** Prefix of the line printed once the broker serves and registered. */
    public static final String READY_PREFIX = "TideMQ broker ready: ";

    @Option(names = "--config", paramLabel = "FILE", required = true,
            description = "A Java properties file with broker and store keys.")
    Path config;

    @Option(names = "--port", paramLabel = "PORT", description = "Overrides listenPort; 0 picks a free port.")
    Integer port;

    @Option(names = "--metrics-port", paramLabel = "PORT",
            description = "Overrides metricsPort: serve /metrics (Prometheus) on this port, e.g. 5557; 0 picks a free"
                    + " port, -1 serves none (default: the config's metricsPort, else none).")
    Integer metricsPort;

    @Option(names = "--namesrv", paramLabel = "ADDR", description = "Overrides namesrvAddrs (host:port;host:port).")
    String namesrv;

    @Option(names = "--store-path", paramLabel = "DIR", description = "Overrides storePath.")
    Path storePath;

    @Override
    public Integer call() throws InterruptedException {
        PrintWriter out = spec.commandLine().getOut();
        CommandLine cl = spec.commandLine();
        if (port != null) {
            OptionChecks.range(cl, "--port", BrokerConfigKeys.LISTEN_PORT, port);
        }
        if (metricsPort != null) {
            OptionChecks.range(cl, "--metrics-port", BrokerConfigKeys.METRICS_PORT, metricsPort);
        }
        if (namesrv != null) {
            NamesrvOption.check(spec, namesrv);
        }
        Properties p = PropertiesFiles.load(config);
        if (port != null) {
            p.setProperty("listenPort", Integer.toString(port));
        }
        if (metricsPort != null) {
            p.setProperty("metricsPort", Integer.toString(metricsPort));
        }
        if (namesrv != null) {
            p.setProperty("namesrvAddrs", namesrv);
        }
        if (storePath != null) {
            p.setProperty("storePath", storePath.toString());
        }
        BrokerConfig c = BrokerConfig.fromProperties(p);
        ServerLifecycle lc = newLifecycle("TideMQ broker " + c.brokerName(), out);
        BrokerController broker = lc.startUp(() -> {
            BrokerController b = lc.manage(new BrokerController(c), "  broker " + c.brokerName() + " stopped");
            b.start();
            return b;
        });
        out.println(READY_PREFIX + c.brokerName() + " (id " + c.brokerId() + ", cluster " + c.brokerClusterName()
                + ") at " + broker.address() + ", NameServers " + c.namesrvAddrs() + ", store "
                + c.storePath().toAbsolutePath() + ", flush " + c.flushMode());
        if (broker.metricsPort() >= 0) {
            out.println("Metrics: http://" + c.brokerIp() + ":" + broker.metricsPort() + "/metrics");
        }
        if (c.namesrvAddrs().isEmpty()) {
            out.println("warning: no namesrvAddrs configured: clients cannot find this broker");
        }
        out.flush();
        lc.awaitStopped();
        return 0;
    }
}
