package io.tidemq.namesrv;

import io.tidemq.common.concurrent.NamedThreadFactory;
import io.tidemq.namesrv.metrics.NamesrvMetrics;
import io.tidemq.namesrv.config.NamesrvConfig;
import io.tidemq.common.protocol.RequestCode;
import io.tidemq.namesrv.event.NamesrvEventBus;
import io.tidemq.namesrv.event.NamesrvEventContext;
import io.tidemq.namesrv.event.NamesrvEventHandler;
import io.tidemq.namesrv.liveness.BrokerChannelListener;
import io.tidemq.namesrv.liveness.BrokerLivenessScanner;
import io.tidemq.namesrv.metrics.NamesrvPrometheus;
import io.tidemq.namesrv.processor.BrokerHeartbeatProcessor;
import io.tidemq.namesrv.processor.ClusterInfoProcessor;
import io.tidemq.namesrv.processor.ClusterStatsProcessor;
import io.tidemq.namesrv.processor.NamesrvConfigProcessor;
import io.tidemq.namesrv.processor.RegisterBrokerProcessor;
import io.tidemq.namesrv.processor.RouteQueryProcessor;
import io.tidemq.namesrv.processor.TopicListProcessor;
import io.tidemq.namesrv.processor.UnregisterBrokerProcessor;
import io.tidemq.namesrv.replication.NamesrvReplicator;
import io.tidemq.namesrv.replication.PrimaryLeadership;
import io.tidemq.namesrv.replication.ReplicationProcessor;
import io.tidemq.namesrv.route.RouteInfoManager;
import io.tidemq.namesrv.route.RouteTableEventHandler;
import io.tidemq.remoting.http.MetricsHttpServer;
import io.tidemq.remoting.netty.NettyRemotingServer;
import io.tidemq.remoting.netty.NettyServerConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * One NameServer: the route registry behind a {@link NettyRemotingServer}, the event bus that applies
 * broker membership changes, and broker liveness (expiry scan and connection events).
 *
 * <pre>{@code
 * NamesrvController namesrv = new NamesrvController(NamesrvConfig.fromProperties(props));
 * namesrv.start();            // listening on namesrv.port()
 * ...
 * namesrv.close();
 * }</pre>
 */
public final class NamesrvController implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(NamesrvController.class);
    private static final int REQUEST_QUEUE_CAPACITY = 10_000;

    private enum State { CREATED, RUNNING, CLOSED }

    private final NamesrvConfig config;
    private final ClassLoader handlerClassLoader;
    /** Null when the configured namesrvPrimary is the primary. */
    private final PrimaryLeadership primaryLeadership;
    private final LongSupplier clockMs = System::currentTimeMillis;
    private final RouteInfoManager routeInfoManager = new RouteInfoManager();
    private final NamesrvMetrics metrics = new NamesrvMetrics();
    private final NamesrvPrometheus prometheus = new NamesrvPrometheus(metrics,
            () -> routeInfoManager.liveBrokers().size(), () -> routeInfoManager.topicNames().size());

    /** Lifecycle; guarded by {@code this}. The components below are created in start() and then never reassigned. */
    private State state = State.CREATED;
    private volatile NamesrvEventBus eventBus;
    private volatile NettyRemotingServer remotingServer;
    private volatile BrokerLivenessScanner livenessScanner;
    private volatile ThreadPoolExecutor requestExecutor;
    private volatile BrokerChannelListener channelListener;
    private volatile MetricsHttpServer metricsServer;
    private volatile NamesrvReplicator replicator;

    /** A NameServer whose event handlers are discovered with the thread context class loader. */
    public NamesrvController(NamesrvConfig config) {
        this(config, defaultClassLoader());
    }

    /** Like {@link #NamesrvController(NamesrvConfig, ClassLoader, PrimaryLeadership)} with the default class loader. */
    public NamesrvController(NamesrvConfig config, PrimaryLeadership primaryLeadership) {
        this(config, defaultClassLoader(), primaryLeadership);
    }

    /** A NameServer whose event handlers are discovered through {@code handlerClassLoader} (plug-in directories). */
    public NamesrvController(NamesrvConfig config, ClassLoader handlerClassLoader) {
        this(config, handlerClassLoader, null);
    }

    /**
     * @param primaryLeadership when replication is on, the controller peer's leadership in this process: the
     *                          primary is then the NameServer beside the controller's leader (null = the configured
     *                          {@code namesrvPrimary})
     */
    public NamesrvController(NamesrvConfig config, ClassLoader handlerClassLoader, PrimaryLeadership primaryLeadership) {
        this.config = config;
        this.handlerClassLoader = handlerClassLoader;
        this.primaryLeadership = primaryLeadership;
    }

    /**
     * Loads the event handlers and starts serving.
     *
     * @throws IllegalStateException when started twice, or when the built-in route table handler is not
     *                               among the discovered handlers (the jar lost its META-INF/services file)
     * @throws io.tidemq.remoting.exception.RemotingBindException when the port cannot be bound
     */
    public synchronized void start() {
        if (state != State.CREATED) {
            throw new IllegalStateException("NameServer already " + state.name().toLowerCase()
                    + "; create a new NamesrvController");
        }
        List<NamesrvEventHandler> handlers = NamesrvEventBus.discoverHandlers(handlerClassLoader);
        if (handlers.stream().noneMatch(RouteTableEventHandler.class::isInstance)) {
            throw new IllegalStateException("the built-in " + RouteTableEventHandler.class.getName()
                    + " was not found through META-INF/services/" + NamesrvEventHandler.class.getName()
                    + "; the NameServer cannot keep routes without it. If the jar was repackaged, merge its "
                    + "service files (e.g. the shade plugin's ServicesResourceTransformer)");
        }
        state = State.RUNNING;
        try {
            eventBus = new NamesrvEventBus(handlers, new NamesrvEventContext(config, routeInfoManager, metrics),
                    config.eventQueueCapacity());
            requestExecutor = newRequestExecutor(config.requestThreads());
            replicator = new NamesrvReplicator(config, eventBus, routeInfoManager, clockMs, primaryLeadership);
            NamesrvReplicator r = replicator;
            channelListener = new BrokerChannelListener(routeInfoManager, eventBus, clockMs, r::evicts);
            // a connection silent for brokerExpireMs is closed (evicting its brokers) no sooner than the scan
            // would evict them, so brokerExpireMs alone says how often a broker must register
            remotingServer = new NettyRemotingServer(NettyServerConfig.builder()
                    .bindAddress(config.bindAddress()).listenPort(config.listenPort())
                    .channelIdleSeconds(idleSeconds(config.brokerExpireMs())).build(), channelListener);
            registerProcessors(remotingServer, requestExecutor);
            remotingServer.start();
            replicator.start();
            livenessScanner = new BrokerLivenessScanner(routeInfoManager, eventBus, config.brokerExpireMs(),
                    config.scanIntervalMs(), clockMs, r::evicts);
            livenessScanner.start();
            if (config.metricsPort() >= 0) {
                metricsServer = MetricsHttpServer.start(config.bindAddress(), config.metricsPort(),
                        List.of(prometheus::scrape));
                LOG.info("NameServer serves Prometheus metrics at http://{}:{}/metrics", config.bindAddress(),
                        metricsServer.port());
            }
        } catch (RuntimeException e) {
            closeComponents();
            state = State.CLOSED;
            throw e;
        }
        LOG.info("NameServer started on {}:{} ({}), event handlers {}", config.bindAddress(), port(), config,
                eventBus.handlers().stream().map(h -> h.getClass().getName()).toList());
    }

    /** The idle time of connections, in whole seconds, for a broker expiry in ms (rounded up, 1 s to 1 day). */
    static int idleSeconds(long brokerExpireMs) {
        return (int) Math.max(1, Math.min(86_400, (brokerExpireMs + 999) / 1_000));
    }

    private void registerProcessors(NettyRemotingServer server, ThreadPoolExecutor executor) {
        server.registerProcessor(RequestCode.REGISTER_BROKER, new RegisterBrokerProcessor(eventBus, clockMs,
                config.brokerExpireMs(), replicator), executor);
        server.registerProcessor(RequestCode.UNREGISTER_BROKER,
                new UnregisterBrokerProcessor(routeInfoManager, eventBus, clockMs, replicator), executor);
        ReplicationProcessor replication = new ReplicationProcessor(replicator);
        for (RequestCode code : List.of(RequestCode.NS_REPL_HELLO, RequestCode.NS_REPL_APPEND,
                RequestCode.NS_REPL_SNAPSHOT, RequestCode.NS_REPL_TOPOLOGY, RequestCode.NS_REPL_FETCH,
                RequestCode.NS_REPL_STATUS)) {
            server.registerProcessor(code, replication, executor);
        }
        server.registerProcessor(RequestCode.BROKER_HEARTBEAT,
                new BrokerHeartbeatProcessor(routeInfoManager, eventBus, clockMs), executor);
        server.registerProcessor(RequestCode.GET_ROUTEINFO_BY_TOPIC, new RouteQueryProcessor(routeInfoManager), executor);
        server.registerProcessor(RequestCode.GET_BROKER_CLUSTER_INFO, new ClusterInfoProcessor(routeInfoManager), executor);
        server.registerProcessor(RequestCode.GET_CLUSTER_STATS, new ClusterStatsProcessor(routeInfoManager, clockMs),
                executor);
        server.registerProcessor(RequestCode.GET_ALL_TOPIC_LIST, new TopicListProcessor(routeInfoManager), executor);
        NamesrvConfigProcessor configProcessor = new NamesrvConfigProcessor(config, this::port, this::metricsPort);
        server.registerProcessor(RequestCode.GET_NAMESRV_CONFIG, configProcessor, executor);
        server.registerProcessor(RequestCode.UPDATE_NAMESRV_CONFIG, configProcessor, executor);
    }

    private static ThreadPoolExecutor newRequestExecutor(int threads) {
        return new ThreadPoolExecutor(threads, threads, 60, TimeUnit.SECONDS,
                new ArrayBlockingQueue<>(REQUEST_QUEUE_CAPACITY),
                NamedThreadFactory.pool("tidemq-namesrv-request", true));
    }

    /** The port the NameServer listens on (the OS-chosen one when listenPort is 0). */
    public int port() {
        NettyRemotingServer server = remotingServer;
        if (server == null) {
            throw new IllegalStateException("the NameServer has no port before start()");
        }
        return server.localPort();
    }

    public NamesrvConfig config() {
        return config;
    }

    /** The route registry (read-only through its public methods). */
    public RouteInfoManager routeInfoManager() {
        return routeInfoManager;
    }

    /** The registry's replication (inert when namesrvReplicationMode is NONE), available after {@link #start()}. */
    public NamesrvReplicator replicator() {
        NamesrvReplicator r = replicator;
        if (r == null) {
            throw new IllegalStateException("the NameServer has no replicator before start()");
        }
        return r;
    }

    /** The liveness scan, available after {@link #start()} (tests run a scan at once with it). */
    BrokerLivenessScanner livenessScanner() {
        return livenessScanner;
    }

    public NamesrvMetrics metrics() {
        return metrics;
    }

    /** The NameServer's Prometheus meters; {@link NamesrvPrometheus#scrape()} gives the text {@code /metrics} serves. */
    public NamesrvPrometheus prometheus() {
        return prometheus;
    }

    /** The port of {@code /metrics}, or -1 when it serves none ({@code metricsPort=-1}, or not started). */
    public int metricsPort() {
        MetricsHttpServer m = metricsServer;
        return m == null ? -1 : m.port();
    }

    /** The event bus, available after {@link #start()}; e.g. to look up a loaded handler. */
    public NamesrvEventBus eventBus() {
        NamesrvEventBus bus = eventBus;
        if (bus == null) {
            throw new IllegalStateException("the NameServer has no event bus before start()");
        }
        return bus;
    }

    /**
     * Stops accepting requests, stops the liveness scan, lets the event bus finish queued events, then
     * stops the request threads. Idempotent.
     */
    @Override
    public synchronized void close() {
        if (state == State.CLOSED) {
            return;
        }
        boolean wasRunning = state == State.RUNNING;
        state = State.CLOSED;
        closeComponents();
        if (wasRunning) {
            LOG.info("NameServer stopped");
        }
    }

    private void closeComponents() {
        if (metricsServer != null) {
            metricsServer.close();
        }
        if (channelListener != null) {
            channelListener.stop();
        }
        if (remotingServer != null) {
            remotingServer.shutdown();
        }
        if (livenessScanner != null) {
            livenessScanner.close();
        }
        if (replicator != null) {
            replicator.close();
        }
        if (eventBus != null) {
            eventBus.close();
        }
        if (requestExecutor != null) {
            requestExecutor.shutdown();
            try {
                if (!requestExecutor.awaitTermination(5, TimeUnit.SECONDS)) {
                    LOG.warn("NameServer request threads did not stop within 5 s");
                    requestExecutor.shutdownNow();
                }
            } catch (InterruptedException e) {
                requestExecutor.shutdownNow();
                Thread.currentThread().interrupt();
            }
        }
    }

    private static ClassLoader defaultClassLoader() {
        ClassLoader context = Thread.currentThread().getContextClassLoader();
        return context != null ? context : NamesrvController.class.getClassLoader();
    }
}
