package io.tidemq.it.support;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code tidemq standalone} (NameServer + broker in one JVM) in a child JVM on loopback ports chosen once (it
 * listens on and advertises 127.0.0.1 by default), so
 * a restart comes back at the same addresses with the same data directory.
 */
public final class Standalone implements AutoCloseable {

    /** Printed by StandaloneCommand once both servers run and the broker registered. */
    public static final String READY_LINE = "TideMQ standalone ready";

    private final ServerNode node;
    private final String namesrvAddr;
    private final String brokerAddr;
    private final String consoleUrl;
    private final Path dataDir;

    private Standalone(ServerNode node, String namesrvAddr, String brokerAddr, String consoleUrl, Path dataDir) {
        this.node = node;
        this.namesrvAddr = namesrvAddr;
        this.brokerAddr = brokerAddr;
        this.consoleUrl = consoleUrl;
        this.dataDir = dataDir;
    }

    /** The web console's address, {@code http://127.0.0.1:<port>/}. */
    public String consoleUrl() {
        return consoleUrl;
    }

    public static Builder builder(String name, Path logDir, Path dataDir) {
        return new Builder(name, logDir, dataDir);
    }

    /** The usual server of a test class: named {@code standalone}, logs of the class, data in {@code tmp/data}. */
    public static Builder builder(Class<?> testClass, Path tmp) {
        return builder("standalone", ItLogs.forClass(testClass), tmp.resolve("data"));
    }

    public Standalone start() {
        node.start();
        return this;
    }

    public String namesrvAddr() {
        return namesrvAddr;
    }

    public String brokerAddr() {
        return brokerAddr;
    }

    /** Where the broker keeps its store ({@code <data>/broker}). */
    public Path brokerStorePath() {
        return dataDir.resolve("broker");
    }

    /** Creates {@code topic} on every broker and waits until the NameServer routes it. */
    public Standalone createTopic(String topic, int queues) {
        Admins.createTopic(namesrvAddr, topic, queues);
        return this;
    }

    /** Waits until {@code group} has committed everything up to the end of every queue it consumes. */
    public void awaitNoLag(String group, Duration timeout) {
        Admins.awaitNoLag(namesrvAddr, group, timeout);
    }

    public ServerNode node() {
        return node;
    }

    public void kill9() {
        node.kill9();
    }

    public void stopGracefully() {
        node.stopGracefully();
    }

    @Override
    public void close() {
        node.close();
    }

    /** Options of {@code tidemq standalone}; ports are picked when built. */
    public static final class Builder {
        private final String name;
        private final Path logDir;
        private final Path dataDir;
        private String flush = "async";
        private final Map<String, String> overrides = new LinkedHashMap<>();
        private final List<String> extraArgs = new ArrayList<>();

        private Builder(String name, Path logDir, Path dataDir) {
            this.name = name;
            this.logDir = logDir;
            this.dataDir = dataDir;
            // 16 MiB CommitLog files: a test writes tens of MiB, so files roll, without 1 GiB sparse files
            overrides.put("commitLogFileBytes", Integer.toString(16 << 20));
        }

        /** {@code async} (default) or {@code sync}. */
        public Builder flush(String mode) {
            this.flush = mode;
            return this;
        }

        /** A broker or store key passed with {@code --set}. */
        public Builder set(String key, String value) {
            overrides.put(key, value);
            return this;
        }

        /** Further options of {@code tidemq standalone}, e.g. {@code --insecure-console}. */
        public Builder args(String... args) {
            extraArgs.addAll(List.of(args));
            return this;
        }

        public Standalone build() {
            int namesrvPort = FreePorts.next();
            int brokerPort = FreePorts.next();
            int consolePort = FreePorts.next();
            List<String> args = new ArrayList<>(List.of("standalone", "--data", dataDir.toString(), "--flush", flush,
                    "--namesrv-port", Integer.toString(namesrvPort), "--broker-port", Integer.toString(brokerPort),
                    "--console-port", Integer.toString(consolePort)));
            args.addAll(extraArgs);
            overrides.forEach((k, v) -> {
                args.add("--set");
                args.add(k + "=" + v);
            });
            ServerNode node = new ServerNode(name, logDir, args, line -> line.equals(READY_LINE));
            return new Standalone(node, "127.0.0.1:" + namesrvPort, "127.0.0.1:" + brokerPort,
                    "http://127.0.0.1:" + consolePort + "/", dataDir);
        }
    }
}
