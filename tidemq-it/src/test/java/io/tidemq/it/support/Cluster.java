package io.tidemq.it.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Collectors;

/**
 * NameServers and brokers in separate child JVMs, each started by {@code tidemq namesrv|broker --config FILE}
 * with a properties file written under the cluster's directory. Every broker registers with every
 * NameServer. Ports are picked when a node is added and kept across restarts. Test thread only.
 */
public final class Cluster implements AutoCloseable {

    public static final String NAMESRV_READY_PREFIX = "TideMQ NameServer ready at ";
    public static final String BROKER_READY_PREFIX = "TideMQ broker ready: ";

    private final String clusterName;
    private final Path dir;
    private final Path logDir;
    private final Map<String, ServerNode> namesrvs = new LinkedHashMap<>();
    private final List<String> namesrvAddrs = new ArrayList<>();
    private final Map<String, ServerNode> brokers = new LinkedHashMap<>();

    public Cluster(String clusterName, Path dir, Path logDir) {
        this.clusterName = clusterName;
        this.dir = dir;
        this.logDir = logDir;
    }

    /** Adds (does not start) a NameServer with the given extra keys. */
    public ServerNode addNamesrv(String name, Map<String, String> keys) {
        return addNamesrv(name, keys, List.of());
    }

    /**
     * Adds (does not start) a NameServer with the given extra keys and extra command-line arguments after
     * {@code --config FILE} (e.g. {@code --controller-config FILE} to embed a controller peer).
     */
    public ServerNode addNamesrv(String name, Map<String, String> keys, List<String> extraArgs) {
        int port = FreePorts.next();
        Properties p = new Properties();
        p.setProperty("listenPort", Integer.toString(port));
        p.setProperty("bindAddress", "127.0.0.1");
        p.putAll(keys);
        Path file = write(name + ".properties", p);
        List<String> args = new ArrayList<>(List.of("namesrv", "--config", file.toString()));
        args.addAll(extraArgs);
        ServerNode node = new ServerNode(name, logDir, args, line -> line.startsWith(NAMESRV_READY_PREFIX));
        namesrvs.put(name, node);
        namesrvAddrs.add("127.0.0.1:" + port);
        return node;
    }

    /**
     * Adds (does not start) a master broker registering with every NameServer added so far; its store lives
     * in {@code <dir>/<brokerName>}.
     */
    public ServerNode addBroker(String brokerName, Map<String, String> keys) {
        return addBroker(brokerName, keys, ServerNode.SERVER_JVM_ARGS);
    }

    /** {@link #addBroker(String, Map)} with the child's JVM options (e.g. a smaller heap). */
    public ServerNode addBroker(String brokerName, Map<String, String> keys, List<String> jvmArgs) {
        int port = FreePorts.next();
        Properties p = new Properties();
        p.setProperty("brokerClusterName", clusterName);
        p.setProperty("brokerName", brokerName);
        p.setProperty("brokerId", "0");
        p.setProperty("brokerIp", "127.0.0.1");
        p.setProperty("bindAddress", "127.0.0.1");
        p.setProperty("listenPort", Integer.toString(port));
        p.setProperty("namesrvAddrs", namesrvAddrs());
        p.setProperty("storePath", dir.resolve(brokerName).toString());
        p.setProperty("commitLogFileBytes", Integer.toString(16 << 20));
        p.setProperty("warmMappedFiles", "false");
        p.putAll(keys);
        Path file = write(brokerName + ".properties", p);
        ServerNode node = new ServerNode(brokerName, logDir, List.of("broker", "--config", file.toString()),
                line -> line.startsWith(BROKER_READY_PREFIX), jvmArgs);
        brokers.put(brokerName, node);
        return node;
    }

    /** Starts every node not running, NameServers first. */
    public Cluster startAll() {
        namesrvs.values().stream().filter(n -> !n.isAlive()).forEach(ServerNode::start);
        brokers.values().stream().filter(n -> !n.isAlive()).forEach(ServerNode::start);
        return this;
    }

    /** {@code host:port;host:port} of every NameServer. */
    public String namesrvAddrs() {
        return String.join(";", namesrvAddrs);
    }

    public List<String> namesrvAddrList() {
        return List.copyOf(namesrvAddrs);
    }

    public ServerNode broker(String brokerName) {
        return brokers.get(brokerName);
    }

    private Path write(String fileName, Properties p) {
        Path file = dir.resolve(fileName);
        try {
            Files.createDirectories(dir);
            try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
                p.store(w, "written by " + Cluster.class.getName());
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
        return file;
    }

    /** Kills every node still running, brokers first. */
    @Override
    public void close() {
        brokers.values().forEach(ServerNode::close);
        namesrvs.values().forEach(ServerNode::close);
    }

    @Override
    public String toString() {
        return clusterName + " " + namesrvs.values().stream().map(Object::toString).collect(Collectors.joining(", "))
                + " / " + brokers.values().stream().map(Object::toString).collect(Collectors.joining(", "));
    }
}
