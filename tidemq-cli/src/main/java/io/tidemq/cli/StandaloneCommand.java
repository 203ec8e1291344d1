package io.tidemq.cli;

import io.tidemq.broker.BrokerConfig;
import io.tidemq.broker.BrokerController;
import io.tidemq.namesrv.NamesrvConfig;
import io.tidemq.namesrv.NamesrvController;
import io.tidemq.store.FlushMode;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;

/**
 * {@code tidemq standalone}: a NameServer and a broker in one JVM, the first thing a newcomer runs. Topics
 * are created on first use; data lives under {@code --data}. Runs until SIGTERM / Ctrl-C.
 */
@Command(name = "standalone", mixinStandardHelpOptions = true,
        description = {"Runs a NameServer and a broker in one JVM, with data under --data.",
                "Topics are created on first use. Runs until Ctrl-C or SIGTERM, then shuts down cleanly."},
        footer = {"", "Example:", "  tidemq standalone --data ./data --flush sync"})
public final class StandaloneCommand extends ServerCommand {

    /** The line integration tests and scripts wait for. */
    public static final String READY_LINE = "TideMQ standalone ready";

    /** Store settings fit for a laptop: no 1 GiB pre-touch of every new CommitLog file. */
    static final Map<String, String> STANDALONE_DEFAULTS = Map.of("autoCreateTopic", "true", "warmMappedFiles", "false");

    private static final long REGISTRATION_WAIT_MS = 15_000;

    private record Servers(NamesrvController namesrv, BrokerController broker) {
    }

    @Option(names = "--data", paramLabel = "DIR", defaultValue = "data",
            description = "Data directory, relative to the working directory (default: ${DEFAULT-VALUE}).")
    Path dataDir;

    @Option(names = "--flush", paramLabel = "MODE", defaultValue = "async",
            description = "When a send is acknowledged: async (page cache, flushed in the background) or sync"
                    + " (after fsync). Default: ${DEFAULT-VALUE}.")
    FlushMode flush;

    @Option(names = "--namesrv-port", paramLabel = "PORT", defaultValue = "9876",
            description = "NameServer port; 0 picks a free one (default: ${DEFAULT-VALUE}).")
    int namesrvPort;

    @Option(names = "--broker-port", paramLabel = "PORT", defaultValue = "10911",
            description = "Broker port; 0 picks a free one (default: ${DEFAULT-VALUE}).")
    int brokerPort;

    @Option(names = "--broker-ip", paramLabel = "IP",
            description = "IP the broker advertises to clients (default: the first non-loopback IPv4 address).")
    String brokerIp;

    @Option(names = "--set", paramLabel = "KEY=VALUE",
            description = "A broker or store configuration key (see docs/configuration.md); repeatable.")
    Map<String, String> overrides = new LinkedHashMap<>();

    /** Written by the command thread once each server runs; read by tests. */
    private volatile String namesrvAddress;
    private volatile String brokerAddress;

    @Override
    public Integer call() throws InterruptedException {
        PrintWriter out = spec.commandLine().getOut();
        Path data = dataDir.toAbsolutePath().normalize();
        if (namesrvPort < 0 || namesrvPort > 65_535 || brokerPort < 0 || brokerPort > 65_535) {
            throw new CommandLine.ParameterException(spec.commandLine(), "ports must be in [0, 65535]");
        }
        ServerLifecycle lc = newLifecycle("TideMQ standalone", out);
        Servers servers = lc.startUp(() -> {
            NamesrvController namesrv = lc.manage(
                    new NamesrvController(NamesrvConfig.builder().listenPort(namesrvPort).build()),
                    "  NameServer stopped");
            namesrv.start();
            namesrvAddress = "127.0.0.1:" + namesrv.port();
            BrokerConfig config = brokerConfig(data, namesrvAddress);
            BrokerController broker = lc.manage(new BrokerController(config), "  broker " + config.brokerName()
                    + " stopped: unregistered, consumer offsets persisted, store closed");
            broker.start();
            return new Servers(namesrv, broker);
        });
        NamesrvController namesrv = servers.namesrv();
        BrokerController broker = servers.broker();
        brokerAddress = broker.address();
        boolean registered = ServerReadiness.awaitRegistration(namesrv, brokerAddress, REGISTRATION_WAIT_MS);
        printBanner(out, data, broker, namesrv.port(), registered);
        lc.awaitStopped();
        return 0;
    }

    BrokerConfig brokerConfig(Path data, String namesrvAddr) {
        Properties p = new Properties();
        p.putAll(STANDALONE_DEFAULTS);
        p.putAll(overrides);
        p.setProperty("storePath", data.resolve("broker").toString());
        p.setProperty("listenPort", Integer.toString(brokerPort));
        p.setProperty("namesrvAddrs", namesrvAddr);
        p.setProperty("flushMode", flush.name());
        if (brokerIp != null) {
            p.setProperty("brokerIp", brokerIp);
        }
        return BrokerConfig.fromProperties(p);
    }

    private void printBanner(PrintWriter out, Path data, BrokerController broker, int port, boolean registered) {
        BrokerConfig c = broker.config();
        String ns = "127.0.0.1:" + port;
        out.println("TideMQ standalone");
        out.println("  NameServer  " + ns + "  (listening on 0.0.0.0:" + port + ")");
        out.println("  Broker      " + c.brokerName() + " at " + broker.address() + "  (cluster " + c.brokerClusterName()
                + ", flush " + c.flushMode() + (c.autoCreateTopic() ? ", topics created on first use" : "") + ")");
        out.println("  Data dir    " + data + "  (broker store: " + c.storePath() + ")");
        if (!registered) {
            out.println("  warning: the broker has not registered with the NameServer yet; clients may not find"
                    + " it for a few seconds");
        }
        out.println();
        out.println("Send a first message and read it back, from another terminal:");
        out.println("  bin/tidemq produce --namesrv " + ns + " --topic demo --count 10");
        out.println("  bin/tidemq consume --namesrv " + ns + " --topic demo --group demo-group --count 10");
        out.println("Look around:");
        out.println("  bin/tidemq admin cluster list --namesrv " + ns);
        out.println("  bin/tidemq admin topic describe --namesrv " + ns + " --topic demo");
        out.println("Stop with Ctrl-C (or SIGTERM).");
        out.println(READY_LINE);
        out.flush();
    }

    String namesrvAddress() {
        return namesrvAddress;
    }

    String brokerAddress() {
        return brokerAddress;
    }
}
