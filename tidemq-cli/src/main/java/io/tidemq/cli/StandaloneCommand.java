package io.tidemq.cli;

import io.tidemq.broker.config.BrokerConfigKeys;
import io.tidemq.namesrv.config.NamesrvConfigKeys;
import io.tidemq.store.api.StoreConfigKeys;
import io.tidemq.broker.BrokerController;
import io.tidemq.broker.config.BrokerConfig;
import io.tidemq.console.ConsoleOptions;
import io.tidemq.console.ConsoleServer;
import io.tidemq.console.ConsoleStartException;
import io.tidemq.namesrv.NamesrvController;
import io.tidemq.namesrv.config.NamesrvConfig;
import io.tidemq.remoting.exception.RemotingBindException;
import io.tidemq.remoting.http.MetricsHttpServer;
import io.tidemq.store.api.FlushMode;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * {@code tidemq standalone}: a NameServer and a broker in one JVM, the first thing a newcomer runs. Topics
 * are created on first use; data lives under {@code --data}. Runs until SIGTERM / Ctrl-C.
 *
 * <p>Safe by default: both servers listen on 127.0.0.1 and the broker advertises 127.0.0.1, so a laptop's
 * broker (which has no authentication) is not reachable from the network and its clients stay on loopback.
 * {@code --broker-ip} (an address other hosts can reach) opens it to the network: the servers then listen on
 * every interface unless {@code --bind} says otherwise.
 */
@Command(name = "standalone", mixinStandardHelpOptions = true,
        description = {"Runs a NameServer and a broker in one JVM, with data under --data.",
                "Topics are created on first use. Runs until Ctrl-C or SIGTERM, then shuts down cleanly."},
        footer = {"", "Examples:", "  tidemq standalone --data ./data --flush sync",
                "  tidemq standalone --broker-ip 10.0.0.5     (serve other hosts: advertise 10.0.0.5, listen on"
                        + " every interface)"})
public final class StandaloneCommand extends ServerCommand {

    /** The line integration tests and scripts wait for. */
    public static final String READY_LINE = "TideMQ standalone ready";

    /** Store settings fit for a laptop: no 1 GiB pre-touch of every new CommitLog file. */
    static final Map<String, String> STANDALONE_DEFAULTS = Map.of("autoCreateTopic", "true", "warmMappedFiles", "false");

    private static final long REGISTRATION_WAIT_MS = 15_000;

    private static final String LOOPBACK = "127.0.0.1";
    private static final String EVERY_INTERFACE = "0.0.0.0";

    /** Admin requests of the embedded console: loopback, so a short limit. */
    private static final long CONSOLE_REQUEST_TIMEOUT_MS = 5_000;

    private record Servers(NamesrvController namesrv, BrokerController broker, ConsoleServer console,
                           MetricsHttpServer metrics) {
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

    @Option(names = "--metrics-port", paramLabel = "PORT", defaultValue = "" + DEFAULT_METRICS_PORT,
            description = "Port of /metrics (Prometheus) for both servers; 0 picks a free one, -1 turns it off"
                    + " (default: ${DEFAULT-VALUE}; when that default is taken, a free port is used and printed).")
    int metricsPort;

    @Option(names = "--broker-ip", paramLabel = "IP",
            description = "IP the broker advertises to clients (default: 127.0.0.1, this machine only; give an"
                    + " address other hosts reach to serve them).")
    String brokerIp;

    @Option(names = "--bind", paramLabel = "ADDR",
            description = "Local address both servers listen on (default: 127.0.0.1, or 0.0.0.0 = every"
                    + " interface when --broker-ip is not a loopback address).")
    String bind;

    @Option(names = "--set", paramLabel = "KEY=VALUE",
            description = "A broker or store configuration key (see docs/configuration.md); repeatable.")
    Map<String, String> overrides = new LinkedHashMap<>();

    @Mixin
    ConsoleOptionsMixin console = new ConsoleOptionsMixin();

    @Option(names = "--no-console", description = "Does not start the web console.")
    boolean noConsole;

    static final int DEFAULT_METRICS_PORT = 5557;

    /** Written by the command thread once each server runs; read by tests. */
    private volatile String namesrvAddress;
    private volatile String brokerAddress;

    @Override
    public Integer call() throws InterruptedException {
        PrintWriter out = spec.commandLine().getOut();
        Path data = dataDir.toAbsolutePath().normalize();
        CommandLine cl = spec.commandLine();
        OptionChecks.range(cl, "--namesrv-port", NamesrvConfigKeys.LISTEN_PORT, namesrvPort);
        OptionChecks.range(cl, "--broker-port", BrokerConfigKeys.LISTEN_PORT, brokerPort);
        OptionChecks.range(cl, "--metrics-port", BrokerConfigKeys.METRICS_PORT, metricsPort);
        if (!noConsole) {
            OptionChecks.range(cl, "--console-port", BrokerConfigKeys.LISTEN_PORT, console.consolePort);
        }
        if (bind != null) {
            OptionChecks.host(cl, "--bind", bind);
        }
        if (brokerIp != null) {
            OptionChecks.host(cl, "--broker-ip", brokerIp);
        }
        checkAddresses();
        OptionChecks.setValues(cl, overrides, List.of(BrokerConfigKeys.TABLE, StoreConfigKeys.TABLE));
        OptionChecks.writableDirectory("--data", data);
        ServerLifecycle lc = newLifecycle("TideMQ standalone", out);
        Servers servers = lc.startUp(() -> {
            NamesrvController namesrv = lc.manage(new NamesrvController(namesrvConfig()), "  NameServer stopped");
            startOn(namesrv::start, "--namesrv-port", namesrvPort);
            namesrvAddress = localHost() + ":" + namesrv.port();
            BrokerConfig config = brokerConfig(data, namesrvAddress);
            BrokerController broker = lc.manage(new BrokerController(config), "  broker " + config.brokerName()
                    + " stopped: unregistered, consumer offsets persisted, store closed");
            startOn(broker::start, "--broker-port", brokerPort);
            ConsoleServer consoleServer = noConsole ? null : startConsole(lc, data);
            return new Servers(namesrv, broker, consoleServer, startMetrics(lc, namesrv, broker));
        });
        NamesrvController namesrv = servers.namesrv();
        BrokerController broker = servers.broker();
        brokerAddress = broker.address();
        boolean registered = ServerReadiness.awaitRegistration(namesrv, brokerAddress, REGISTRATION_WAIT_MS);
        printBanner(out, data, broker, namesrv.port(), registered, servers.console(), servers.metrics());
        lc.awaitStopped();
        return 0;
    }

    /** The console on the servers' bind address, its users file under {@code <data>/console}. */
    private ConsoleServer startConsole(ServerLifecycle lc, Path data) {
        if (console.consolePort < 0 || console.consolePort > 65_535) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--console-port must be in [0, 65535]");
        }
        ConsoleOptions options = new ConsoleOptions(bindAddress(), console.consolePort, List.of(namesrvAddress),
                ConsoleOptions.usersFileIn(data), console.insecure, CONSOLE_REQUEST_TIMEOUT_MS);
        try {
            return lc.manage(ConsoleServer.start(options), "  console stopped");
        } catch (ConsoleStartException e) {
            throw new CommandFailedException(e.getMessage() + ", or start without it: --no-console", e);
        }
    }

    /**
     * One {@code /metrics} endpoint serving the NameServer's and the broker's series; null with
     * {@code --metrics-port -1}. The default port, when taken, gives way to a free one; an explicit one does not.
     */
    private MetricsHttpServer startMetrics(ServerLifecycle lc, NamesrvController namesrv, BrokerController broker) {
        if (metricsPort < 0) {
            return null;
        }
        List<java.util.function.Supplier<String>> scrapes = List.of(namesrv.prometheus()::scrape,
                broker.metrics()::scrape);
        try {
            return lc.manage(MetricsHttpServer.start(bindAddress(), metricsPort, scrapes), "  metrics endpoint stopped");
        } catch (MetricsHttpServer.MetricsPortInUseException e) {
            boolean explicit = spec.commandLine().getParseResult() != null
                    && spec.commandLine().getParseResult().hasMatchedOption("--metrics-port");
            if (explicit || metricsPort == 0) {
                throw new CommandFailedException("cannot serve metrics on " + bindAddress() + ":" + metricsPort
                        + " (in use); choose another port with --metrics-port (0 picks a free one, -1 turns metrics"
                        + " off)", e);
            }
            metricsPortFellBack = true;
            return lc.manage(MetricsHttpServer.start(bindAddress(), 0, scrapes), "  metrics endpoint stopped");
        }
    }

    /** Set by the command thread when the default metrics port was taken and a free one is used instead. */
    private volatile boolean metricsPortFellBack;

    /** Runs {@code start}; a port that cannot be listened on is reported with the option that sets it. */
    private void startOn(Runnable start, String portOption, int port) {
        try {
            start.run();
        } catch (RemotingBindException e) {
            throw new CommandFailedException("cannot listen on " + bindAddress() + ":" + port + " ("
                    + (e.getCause() == null ? e.getMessage() : e.getCause().getMessage()) + "); another standalone"
                    + " may be running: stop it, or choose another port with " + portOption + " (0 picks a free"
                    + " one) and another --data directory", e);
        }
    }

    /** The address both servers listen on: {@code --bind}, else loopback unless the broker IP is not loopback. */
    String bindAddress() {
        if (bind != null) {
            return bind.trim();
        }
        return brokerIp == null || isLoopback(brokerIp.trim()) ? LOOPBACK : EVERY_INTERFACE;
    }

    /** The address the broker advertises: {@code --broker-ip}, else the bind address when it is one host's. */
    String advertisedIp() {
        if (brokerIp != null) {
            return brokerIp.trim();
        }
        return localHost();
    }

    /** Where this JVM's clients (and the broker) reach the NameServer: loopback unless bound to one address. */
    private String localHost() {
        String b = bindAddress();
        return isEveryInterface(b) || isLoopback(b) ? LOOPBACK : b;
    }

    /** Keys this command sets from its own options; {@code --set} of one would be silently overwritten. */
    private static final Map<String, String> KEYS_OF_OPTIONS = Map.of("brokerIp", "--broker-ip",
            "bindAddress", "--bind", "listenPort", "--broker-port", "storePath", "--data", "flushMode", "--flush",
            "namesrvAddrs", "(set to the embedded NameServer)", "metricsPort", "--metrics-port");

    /**
     * Refuses {@code --set} of a key an option owns, and an advertised address the servers do not listen on
     * (clients would be sent nowhere).
     */
    private void checkAddresses() {
        for (String key : overrides.keySet()) {
            if (KEYS_OF_OPTIONS.containsKey(key)) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--set " + key + " is not allowed"
                        + " here; standalone sets it from " + KEYS_OF_OPTIONS.get(key));
            }
        }
        String b = bindAddress();
        String ip = advertisedIp();
        if (!isEveryInterface(b) && !b.equals(ip) && !(isLoopback(b) && isLoopback(ip))) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--broker-ip " + ip + " is advertised to"
                    + " clients, but the servers listen only on --bind " + b + "; use --bind " + ip
                    + " or --bind 0.0.0.0, or leave --bind out");
        }
    }

    private static boolean isLoopback(String address) {
        return address.startsWith("127.") || address.equals("localhost") || address.equals("::1");
    }

    private static boolean isEveryInterface(String address) {
        return address.equals(EVERY_INTERFACE) || address.equals("::");
    }

    NamesrvConfig namesrvConfig() {
        return NamesrvConfig.builder().bindAddress(bindAddress()).listenPort(namesrvPort).build();
    }

    BrokerConfig brokerConfig(Path data, String namesrvAddr) {
        Properties p = new Properties();
        p.putAll(STANDALONE_DEFAULTS);
        p.putAll(overrides);
        p.setProperty("storePath", data.resolve("broker").toString());
        p.setProperty("listenPort", Integer.toString(brokerPort));
        p.setProperty("namesrvAddrs", namesrvAddr);
        p.setProperty("flushMode", flush.name());
        p.setProperty("brokerIp", advertisedIp());
        p.setProperty("bindAddress", bindAddress());
        return BrokerConfig.fromProperties(p);
    }

    private void printBanner(PrintWriter out, Path data, BrokerController broker, int port, boolean registered,
                             ConsoleServer console, MetricsHttpServer metrics) {
        BrokerConfig c = broker.config();
        String ns = localHost() + ":" + port;
        out.println("TideMQ standalone");
        out.println("  NameServer  " + ns + "  (listening on " + bindAddress() + ":" + port + ")");
        out.println("  Broker      " + c.brokerName() + " at " + broker.address() + "  (cluster " + c.brokerClusterName()
                + ", flush " + c.flushMode() + (c.autoCreateTopic() ? ", topics created on first use" : "") + ")");
        out.println("  Data dir    " + data + "  (broker store: " + c.storePath() + ")");
        if (console != null) {
            ConsoleOptionsMixin.printLogin(out, console);
        }
        if (metrics != null) {
            out.println("  Metrics     http://" + localHost() + ":" + metrics.port() + "/metrics  (Prometheus"
                    + (metricsPortFellBack ? "; port " + DEFAULT_METRICS_PORT + " was taken, --metrics-port sets one"
                    : "") + ")");
        }
        if (isLoopback(c.brokerIp())) {
            out.println("  Reachable from this machine only; to serve other hosts, start with --broker-ip <an address"
                    + " of this host>");
        }
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
