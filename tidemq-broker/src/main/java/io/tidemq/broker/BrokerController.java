package io.tidemq.broker;

import io.tidemq.broker.admin.AdminProcessor;
import io.tidemq.broker.client.ClientManager;
import io.tidemq.broker.client.ConsumerIdsChangeNotifier;
import io.tidemq.broker.config.BrokerConfig;
import io.tidemq.broker.config.BrokerConfigException;
import io.tidemq.broker.config.BrokerConfigKeys;
import io.tidemq.broker.config.LiveBrokerConfig;
import io.tidemq.broker.ha.BrokerRole;
import io.tidemq.broker.ha.ControllerFollower;
import io.tidemq.broker.ha.ReplicationMode;
import io.tidemq.broker.ha.ReplicationService;
import io.tidemq.broker.lock.QueueLockFile;
import io.tidemq.broker.lock.QueueLockProcessor;
import io.tidemq.broker.lock.QueueLockTable;
import io.tidemq.broker.longpolling.PullRequestHoldService;
import io.tidemq.broker.metrics.BrokerMetrics;
import io.tidemq.broker.metrics.ConsumerLagSource;
import io.tidemq.broker.metrics.FsyncTimer;
import io.tidemq.broker.offset.ConsumerOffsetManager;
import io.tidemq.broker.processor.ClientManageProcessor;
import io.tidemq.broker.processor.ConsumerOffsetProcessor;
import io.tidemq.broker.processor.PullMessageProcessor;
import io.tidemq.broker.processor.SendMessageProcessor;
import io.tidemq.broker.registration.BrokerRegistrar;
import io.tidemq.broker.retry.DeadLetterAdminProcessor;
import io.tidemq.broker.retry.RetryTopics;
import io.tidemq.broker.retry.SendMessageBackProcessor;
import io.tidemq.broker.schedule.TimerDiversion;
import io.tidemq.broker.schedule.TimerMessageService;
import io.tidemq.broker.group.SubscriptionGroupManager;
import io.tidemq.broker.stats.BrokerDrain;
import io.tidemq.broker.stats.BrokerFiguresSampler;
import io.tidemq.broker.stats.BrokerStats;
import io.tidemq.broker.stats.IntervalStats;
import io.tidemq.broker.stats.TrafficListener;
import io.tidemq.broker.store.BrokerStore;
import io.tidemq.broker.support.BrokerThreads;
import io.tidemq.broker.topic.TopicConfigManager;
import io.tidemq.broker.transaction.EndTransactionProcessor;
import io.tidemq.broker.transaction.HalfMessageDiversion;
import io.tidemq.broker.transaction.TransactionCheckService;
import io.tidemq.broker.transaction.TransactionalMessageService;
import io.tidemq.common.names.NameValidator;
import io.tidemq.common.net.HostPort;
import io.tidemq.common.protocol.body.ConfigSnapshot;
import io.tidemq.common.protocol.RequestCode;
import io.tidemq.common.route.BrokerRegistration;
import io.tidemq.remoting.ChannelEventListener;
import io.tidemq.remoting.RemotingChannel;
import io.tidemq.remoting.http.MetricsHttpServer;
import io.tidemq.remoting.netty.NettyClientConfig;
import io.tidemq.remoting.netty.NettyIoThreads;
import io.tidemq.remoting.netty.NettyRemotingClient;
import io.tidemq.remoting.netty.NettyRemotingServer;
import io.tidemq.remoting.netty.NettyServerConfig;
import io.tidemq.remoting.protocol.FrameLayout;
import io.tidemq.store.DefaultMessageStore;
import io.tidemq.store.api.MessageStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.File;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * One broker: the message store, the request processors (each family on its own executor: send, pull,
 * offsets + heartbeats, admin), long polling, the topic/offset/client managers and the registration with the
 * NameServers.
 *
 * <pre>{@code
 * BrokerConfig config = BrokerConfig.builder().storePath(dir).listenPort(0)
 *         .namesrvAddrs(List.of("127.0.0.1:9876")).build();
 * try (BrokerController broker = new BrokerController(config)) {
 *     broker.start();
 *     String addr = broker.address();   // "ip:port" clients and NameServers use
 * }
 * }</pre>
 *
 * <p>{@link #start()} and {@link #close()} are each called once; close stops everything in the reverse order
 * of start and persists topics and consumer offsets.
 */
public final class BrokerController implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(BrokerController.class);
    /** How long a stopping master waits for an in-sync slave to take over (controlled shutdown). */
    private static final long HAND_OVER_TIMEOUT_MS = 5_000;

    private enum State { CREATED, RUNNING, CLOSED }

    /** The configuration at start; keys changed at run time are read from {@link #live}. */
    private final BrokerConfig config;
    private final LiveBrokerConfig live;
    private final BrokerStats stats = new BrokerStats();
    private final TopicConfigManager topics;
    private final ConsumerOffsetManager offsets;
    private final ConsumerIdsChangeNotifier notifier = new ConsumerIdsChangeNotifier();
    private final ClientManager clients;
    /** Constructed here, the one place that names the implementation; everyone else sees MessageStore. */
    private final DefaultMessageStore store;
    private final PullRequestHoldService holds;
    private final QueueLockTable queueLocks;
    private final QueueLockFile queueLockFile;
    /** The one put door (transaction and delay diversions) for sends, retries, commits and timer deliveries. */
    private final BrokerStore brokerStore;
    private final TimerMessageService timer;
    private final RetryTopics retryTopics;
    /** With controllerAddresses: follows the controller's decisions; null otherwise. Set by start, read by close. */
    private volatile ControllerFollower follower;
    /** Replication by the configured role; null when off. */
    private final ReplicationService replication;
    private final BrokerDrain drain = new BrokerDrain();
    /** Consumer group configurations ({@code admin group create|update}); not replicated to slaves. */
    private final SubscriptionGroupManager groupConfigs;
    private final BrokerFiguresSampler figures;
    private final BrokerMetrics metrics;
    /** Delivery latency per group and rates per topic per interval; rolled by the scheduler thread. */
    private final IntervalStats intervalStats;

    /** Lifecycle fields below: written by start()/close() under {@code this}; read by request threads after start. */
    private State state = State.CREATED;
    private ExecutorService sendExecutor;
    private ExecutorService pullExecutor;
    private ExecutorService clientExecutor;
    private ExecutorService adminExecutor;
    private ScheduledExecutorService scheduler;
    private NettyRemotingServer server;
    /** With SYNC replication: the I/O threads the client-facing server and the HA server share; closed last. */
    private NettyIoThreads ioThreads;
    private NettyRemotingClient namesrvClient;
    private volatile BrokerRegistrar registrar;
    /** Set once in start() (before the server serves); read by the replication thread, hence volatile. */
    private volatile TransactionCheckService transactionChecks;
    private volatile String address;
    private volatile MetricsHttpServer metricsServer;

    /** @throws BrokerConfigException when the store keys of the configuration are invalid */
    public BrokerController(BrokerConfig config) {
        this.config = config;
        this.live = new LiveBrokerConfig(config);
        this.topics = new TopicConfigManager(config.configDir().resolve("topics.json"), config.defaultTopicQueueNums());
        this.clients = new ClientManager(notifier, config.clientExpireMs());
        // times the CommitLog's fsyncs for /metrics, around the real disk; bound to the histogram below
        FsyncTimer fsyncTimer = new FsyncTimer(io.tidemq.store.api.FileIo.DEFAULT,
                config.storePath().resolve("commitlog"));
        this.store = new DefaultMessageStore(StoreConfigBinder.bind(config, fsyncTimer));
        // offsets are loaded after the store recovered, so they are clamped to the recovered queue ends
        this.offsets = new ConsumerOffsetManager(config.configDir().resolve("consumerOffsets.json"),
                store::maxQueueOffset);
        this.holds = new PullRequestHoldService(store::maxQueueOffset, config.longPollingCheckIntervalMs(),
                config.longPollingMaxHeld(), config.longPollingMaxHeldPerConnection());
        this.groupConfigs = new SubscriptionGroupManager(config.configDir().resolve("subscriptionGroups.json"));
        this.queueLocks = new QueueLockTable(config.rebalanceLockMaxLiveMs());
        this.queueLockFile = new QueueLockFile(config.configDir().resolve("queueLocks.json"), queueLocks);
        this.brokerStore = new BrokerStore(store, new HalfMessageDiversion(),
                new TimerDiversion(config.timerSettings(), System::currentTimeMillis));
        this.timer = new TimerMessageService(config.timerSettings(), brokerStore, config.storePath().resolve("timer"),
                System::currentTimeMillis);
        stats.gauges.put("timerScheduled", timer::scheduledCount);
        stats.gauges.put("clampedOffsets", offsets::clampedCommits);
        stats.gauges.put("unmergedConsumerOffsets", offsets::unmergedCount);
        this.retryTopics = new RetryTopics(topics, config.retryTopicCreatesPerSecond(), System::nanoTime);
        boolean controlled = !config.controllerAddresses().isEmpty();
        this.replication = config.haConfig().enabled() || controlled ? new ReplicationService(config.brokerName(),
                Math.toIntExact(config.brokerId()), config.haConfig(), config.bindAddress(), store) : null;
        if (controlled) {
            replication.followController();
        }
        this.figures = new BrokerFiguresSampler(stats, store, config.storePath(), config.brokerId(), drain::drained,
                () -> topics.all().size(), System::currentTimeMillis);
        this.metrics = new BrokerMetrics(config.brokerClusterName(), config.brokerName(), new MetricsSource(),
                new ConsumerLagSource(topics, offsets, clients, store, System::currentTimeMillis));
        this.intervalStats = new IntervalStats(config.statsIntervalMs(), System::currentTimeMillis,
                t -> topics.get(t) != null);
        stats.traffic(TrafficListener.both(metrics, intervalStats));
        fsyncTimer.bind(metrics.fsyncDuration());
    }

    /** Starts the broker; on failure everything started so far is stopped again and the cause rethrown. */
    public synchronized void start() {
        if (state != State.CREATED) {
            throw new IllegalStateException("broker " + config.brokerName() + " is " + state
                    + "; a BrokerController starts once, create a new one");
        }
        state = State.RUNNING;
        try {
            doStart();
        } catch (RuntimeException e) {
            LOG.error("broker {} failed to start; stopping what was started", config.brokerName(), e);
            close();
            throw e;
        }
    }

    /**
     * Registers the default-route topic while auto-creation is on (and drops it when it was turned off), so
     * producers can reach this broker with topics no NameServer knows yet.
     */
    private void advertiseAutoCreation() {
        if (live.get().autoCreateTopic()) {
            topics.getOrCreate(NameValidator.AUTO_CREATE_TOPIC);
        } else if (topics.get(NameValidator.AUTO_CREATE_TOPIC) != null) {
            topics.delete(NameValidator.AUTO_CREATE_TOPIC);
        }
    }

    private void doStart() {
        // The store first: it locks the directory, so a second broker on the same path fails before it reads
        // (or later writes) the topic and offset files.
        if (replication != null) {
            replication.prepareStore(); // recovery dispatches no further than the persisted commit point
        }
        store.start();
        topics.load();
        advertiseAutoCreation();
        offsets.load();
        groupConfigs.load();
        queueLockFile.load();
        if (replication != null) {
            // after the offsets are loaded: a truncation in the first handshake clamps them too
            replication.onTruncation(() -> {
                offsets.clampToQueueEnds();
                timer.logTruncated(); // a timer started again later must not trust entries past the cut
            });
            replication.onRoleChange(new MasterServices());
            replication.useMetadata(new BrokerMetadata(topics, offsets, timer, () -> transactionChecks));
            // consumers commit on a slave while their master is unreachable; the slave keeps them for the master
            offsets.trackSlaveCommits(this::isSlaveNow);
            if (config.haConfig().replicationMode() == ReplicationMode.SYNC) {
                // a SYNC send waits for its replication: on a shared event loop the append, the held fetch's answer
                // and the send's completion can run on one thread. ASYNC sends wait for nothing, so there the HA
                // server keeps I/O threads of its own and a slave's fetch never delays a client connection
                ioThreads = new NettyIoThreads();
                replication.shareIoThreads(ioThreads);
            }
            replication.start();
            brokerStore.setGate(replication);
            stats.infoSections.put("replication", replication::describe);
        }
        store.addArrivalListener(holds.arrivalListener());
        if (config.timerSettings().enabled() && startsAsMaster()) {
            timer.start(); // a controlled replica starts it when the controller makes it master (MasterServices)
        }
        holds.start();

        int queue = config.requestQueueCapacity();
        sendExecutor = BrokerThreads.fixedPool("tidemq-broker-send", config.sendThreads(), queue);
        pullExecutor = BrokerThreads.fixedPool("tidemq-broker-pull", config.pullThreads(), queue);
        clientExecutor = BrokerThreads.fixedPool("tidemq-broker-client", config.clientThreads(), queue);
        adminExecutor = BrokerThreads.fixedPool("tidemq-broker-admin", config.adminThreads(), 1_000);

        server = new NettyRemotingServer(NettyServerConfig.builder()
                .bindAddress(config.bindAddress())
                .listenPort(config.listenPort())
                // large enough for any response it builds: a full pull, or one message of the largest size
                .maxFrameBytes(Math.max(FrameLayout.DEFAULT_MAX_FRAME_BYTES, Math.max(config.maxMessageBytes(),
                        config.maxPullBytes()) + FrameLayout.RESPONSE_OVERHEAD_BYTES))
                .build(), new ConnectionEvents(), ioThreads);
        notifier.bind(server);
        SendMessageProcessor send = new SendMessageProcessor(live, topics, brokerStore, stats);
        // on the I/O thread the response is written (and its flush coalesced) without crossing threads
        Executor sendRequests = config.sendOnIoThread() ? Runnable::run : sendExecutor;
        server.registerProcessor(RequestCode.SEND_MESSAGE, send, sendRequests);
        server.registerProcessor(RequestCode.SEND_BATCH_MESSAGE, send, sendRequests);
        registerTransactions();
        registerRetries();
        server.registerProcessor(RequestCode.GET_WAITING_MESSAGES, new io.tidemq.broker.admin.WaitingMessagesProcessor(
                store, timer, config.timerSettings().rollWindowMs(), () -> transactionChecks,
                System::currentTimeMillis), adminExecutor);
        io.tidemq.broker.admin.IntervalStatsProcessor intervals = new io.tidemq.broker.admin.IntervalStatsProcessor(
                config.brokerName(), intervalStats, t -> topics.get(t) != null, System::currentTimeMillis);
        server.registerProcessor(RequestCode.GET_DELIVERY_LATENCY, intervals, adminExecutor);
        server.registerProcessor(RequestCode.GET_TOPIC_RATES, intervals, adminExecutor);
        server.registerProcessor(RequestCode.PULL_MESSAGE,
                new PullMessageProcessor(live, topics, offsets, store, holds, pullExecutor, stats, queueLocks,
                        groupConfigs::get, this::isSlaveNow, store::nextQueueOffset),
                // a pull at its queue's end is held from the I/O thread; one with records to read moves to pullExecutor
                config.livePullsOnIoThread() ? Runnable::run : pullExecutor);
        ConsumerOffsetProcessor offsetProcessor = new ConsumerOffsetProcessor(config.brokerName(), topics, offsets, store,
                queueLocks, groupConfigs::get);
        for (RequestCode code : new RequestCode[] {RequestCode.QUERY_CONSUMER_OFFSET, RequestCode.UPDATE_CONSUMER_OFFSET,
                RequestCode.GET_MAX_OFFSET, RequestCode.GET_MIN_OFFSET, RequestCode.SEARCH_OFFSET_BY_TIMESTAMP}) {
            server.registerProcessor(code, offsetProcessor, clientExecutor);
        }
        ClientManageProcessor clientProcessor = new ClientManageProcessor(clients, retryTopics::onConsumerHeartbeat);
        for (RequestCode code : new RequestCode[] {RequestCode.HEART_BEAT, RequestCode.UNREGISTER_CLIENT,
                RequestCode.GET_CONSUMER_LIST_BY_GROUP}) {
            server.registerProcessor(code, clientProcessor, clientExecutor);
        }
        QueueLockProcessor lockProcessor = new QueueLockProcessor(config.brokerName(), queueLocks, queueLockFile);
        server.registerProcessor(RequestCode.LOCK_BATCH_MQ, lockProcessor, clientExecutor);
        server.registerProcessor(RequestCode.UNLOCK_BATCH_MQ, lockProcessor, clientExecutor);
        AdminProcessor admin = new AdminProcessor(config, this::address, topics, offsets, clients, holds, store, stats,
                new AdminProcessor.DrainControl() {
                    @Override
                    public boolean setDrained(boolean drained) {
                        return BrokerController.this.setDrained(drained);
                    }

                    @Override
                    public boolean drained() {
                        return drain.drained();
                    }
                }, new AdminProcessor.ConfigControl() {
                    @Override
                    public ConfigSnapshot snapshot() {
                        return configSnapshot();
                    }

                    @Override
                    public ConfigSnapshot update(Map<String, String> updates) {
                        return updateConfig(updates);
                    }
                }, this::replicateTopicChange, groupConfigs);
        for (RequestCode code : AdminProcessor.CODES) {
            server.registerProcessor(code, admin, adminExecutor);
        }
        server.start();
        address = new HostPort(config.brokerIp(), server.localPort()).toString();
        send.storeHost(new InetSocketAddress(config.brokerIp(), server.localPort()));
        if (startsAsMaster()) {
            // a slave holds the halves too (replicated), but decides nothing: its puts are refused, and the master
            // checks back; a controlled replica starts the checks when it becomes master (MasterServices)
            transactionChecks.start(server, clients::producerChannels);
        }

        scheduler = BrokerThreads.scheduler("tidemq-broker-scheduler");
        scheduler.scheduleWithFixedDelay(this::persistOffsetsSafely, config.offsetFlushIntervalMs(),
                config.offsetFlushIntervalMs(), TimeUnit.MILLISECONDS);
        long scanMs = Math.max(1_000, Math.min(10_000, config.clientExpireMs() / 4));
        scheduler.scheduleWithFixedDelay(this::scanClientsSafely, scanMs, scanMs, TimeUnit.MILLISECONDS);
        long lockSweepMs = Math.max(1_000, Math.min(60_000, config.rebalanceLockMaxLiveMs() / 2));
        scheduler.scheduleWithFixedDelay(this::sweepQueueLocksSafely, lockSweepMs, lockSweepMs, TimeUnit.MILLISECONDS);
        scheduler.scheduleAtFixedRate(this::rollIntervalStatsSafely, config.statsIntervalMs(), config.statsIntervalMs(),
                TimeUnit.MILLISECONDS);

        namesrvClient = new NettyRemotingClient(NettyClientConfig.defaults());
        namesrvClient.start();
        registrar = new BrokerRegistrar(namesrvClient, config.namesrvAddrs(), this::registration,
                config.registerIntervalMs(), config.registerTimeoutMs());
        // a new topic's ConsumeQueues are created now, in the background, not by the dispatch thread at their first
        // records (issue 10: creating 10 000 fresh queues there slowed the sends)
        topics.addConfigListener(t -> store.prepareQueues(t.topic(), Math.max(t.readQueueNums(), t.writeQueueNums())));
        topics.addChangeListener(registrar::registerSoon);
        if (replication != null && replication.controlled()) {
            BrokerRegistrar r = registrar;
            follower = new ControllerFollower(replication, config.controllerAddresses(), address,
                    config.haAdvertisedAddress(), 0,
                    config.controllerHeartbeatIntervalMs(), r::registerSoon);
            follower.start();
        }
        registrar.start();
        if (config.metricsPort() >= 0) {
            metricsServer = MetricsHttpServer.start(config.bindAddress(), config.metricsPort(), List.of(metrics::scrape));
            LOG.info("broker {} serves Prometheus metrics at http://{}:{}/metrics", config.brokerName(),
                    config.brokerIp(), metricsServer.port());
        }
        LOG.info("broker {} of cluster {} started at {} ({} topics, store {})", config.brokerName(),
                config.brokerClusterName(), address, topics.all().size(), config.storePath());
    }

    /**
     * Transactions: decisions known before a restart are replayed before END_TRANSACTION is served, so a
     * duplicate can never apply twice. Committed messages go through the broker's single put path (delay
     * diversion).
     */
    private void registerTransactions() {
        TransactionalMessageService transactions = new TransactionalMessageService(brokerStore,
                () -> new InetSocketAddress(config.brokerIp(), server.localPort()));
        transactionChecks = new TransactionCheckService(transactions,
                config.configDir().resolve("transactionProgress.json"), config.transactionCheckIntervalMs(),
                config.transactionTimeoutMs(), config.transactionCheckMax(),
                config.transactionMaxTrackedDecisions());
        transactionChecks.recover();
        server.registerProcessor(RequestCode.END_TRANSACTION, new EndTransactionProcessor(transactions), sendExecutor);
    }

    /**
     * Retries and dead letters: CONSUMER_SEND_MSG_BACK on the send executor (its copies go through the put path,
     * so retry copies wait in the timer), the DLQ admin requests on the admin executor.
     */
    private void registerRetries() {
        SendMessageBackProcessor sendBack = new SendMessageBackProcessor(config.brokerName(),
                config.retryBackoffSchedule(), retryTopics, brokerStore, this::storeHost,
                System::currentTimeMillis, groupConfigs::get);
        server.registerProcessor(RequestCode.CONSUMER_SEND_MSG_BACK, sendBack, sendExecutor);
        stats.gauges.put("retriedMessages", sendBack::retriedMessages);
        stats.gauges.put("deadLetteredMessages", sendBack::deadLetteredMessages);
        DeadLetterAdminProcessor deadLetters = new DeadLetterAdminProcessor(config.brokerName(), topics, offsets,
                brokerStore, retryTopics, this::storeHost, config.configDir().resolve("dlqResentById.json"));
        for (RequestCode code : DeadLetterAdminProcessor.CODES) {
            server.registerProcessor(code, deadLetters, adminExecutor);
        }
    }

    private InetSocketAddress storeHost() {
        return new InetSocketAddress(config.brokerIp(), server.localPort());
    }

    /**
     * What REGISTER_BROKER sends: the current topics (read-only while drained), their version (which also
     * changes at each drain or undrain) and the broker's runtime figures.
     */
    public BrokerRegistration registration() {
        long version = topics.dataVersion() + drain.changes();
        ReplicationService r = replication;
        int masterEpoch = r != null && r.controlled() && r.role() == BrokerRole.MASTER ? r.epoch() : 0;
        return new BrokerRegistration(config.brokerClusterName(), config.brokerName(), registeredId(), address,
                drain.advertised(topics.all()), version, figures.sample(), masterEpoch);
    }

    /** Every broker and store key with the value this broker runs with (GET_BROKER_CONFIG). */
    public ConfigSnapshot configSnapshot() {
        Map<String, String> observed = new java.util.HashMap<>();
        String a = address;
        if (a != null) {
            observed.put(BrokerConfigKeys.LISTEN_PORT.name(), Integer.toString(HostPort.parse(a).port()));
        }
        int m = metricsPort();
        if (m >= 0) {
            observed.put(BrokerConfigKeys.METRICS_PORT.name(), Integer.toString(m));
        }
        return live.snapshot(observed);
    }

    /**
     * Changes keys of {@link LiveBrokerConfig#DYNAMIC_KEYS} on the running broker (UPDATE_BROKER_CONFIG), all or none.
     *
     * @throws BrokerConfigException for an unknown key, a key that needs a restart, or an invalid value
     */
    public ConfigSnapshot updateConfig(Map<String, String> updates) {
        BrokerConfig before = live.update(updates);
        LOG.info("broker {}: configuration changed at run time: {} (until it restarts; the properties file is"
                + " unchanged)", config.brokerName(), updates);
        if (before.autoCreateTopic() != live.get().autoCreateTopic()) {
            advertiseAutoCreation();
            BrokerRegistrar r = registrar;
            if (r != null) {
                r.registerSoon();
            }
        }
        return configSnapshot();
    }

    /**
     * Drains the broker (producers stop routing to it once the NameServers have the new registration, sent at
     * once) or undrains it. Returns whether the state changed.
     */
    public boolean setDrained(boolean drained) {
        boolean changed = drain.set(drained);
        BrokerRegistrar r = registrar;
        if (changed && r != null) {
            r.registerSoon();
        }
        if (changed) {
            LOG.info("broker {} {}", config.brokerName(), drained
                    ? "drained: its topics are registered read-only, producers move to other brokers"
                    : "undrained: its topics are registered writable again");
        }
        return changed;
    }

    public boolean drained() {
        return drain.drained();
    }

    /** Stops everything in the reverse order of start; idempotent. */
    @Override
    public synchronized void close() {
        if (state == State.CLOSED) {
            return;
        }
        boolean wasStarted = state == State.RUNNING;
        state = State.CLOSED;
        if (!wasStarted) {
            holds.close();
            return;
        }
        if (metricsServer != null) {
            step("stop the metrics endpoint", metricsServer::close);
        }
        if (registrar != null) {
            step("unregister from the NameServers", registrar::close);
        }
        if (follower != null) {
            // a master hands over to an in-sync slave first (controlled shutdown), while its clients still reach it
            step("hand the master role over", () -> follower.handOver(HAND_OVER_TIMEOUT_MS));
            // then: no role change (which starts or stops the timer and the checks) runs while they close
            step("stop following the controller", follower::close);
        }
        step("answer held pulls", holds::close);
        // Executors before the server: requests already accepted finish and their responses are written
        // before the connections close.
        step("stop the admin executor", () -> BrokerThreads.shutdown(adminExecutor, "tidemq-broker-admin", 5_000));
        step("stop the client executor", () -> BrokerThreads.shutdown(clientExecutor, "tidemq-broker-client", 5_000));
        step("stop the pull executor", () -> BrokerThreads.shutdown(pullExecutor, "tidemq-broker-pull", 5_000));
        step("stop the send executor", () -> BrokerThreads.shutdown(sendExecutor, "tidemq-broker-send", 5_000));
        if (transactionChecks != null) {
            step("stop the transaction check service", transactionChecks::close);
        }
        if (server != null) {
            step("stop the remoting server", server::shutdown);
        }
        if (namesrvClient != null) {
            step("stop the NameServer client", namesrvClient::shutdown);
        }
        step("stop the scheduler", () -> BrokerThreads.shutdown(scheduler, "tidemq-broker-scheduler", 5_000));
        step("persist consumer offsets", offsets::persist);
        step("stop the timer service", timer::close);
        if (replication != null) {
            step("stop replication", replication::close);
        }
        if (ioThreads != null) {
            step("stop the network I/O threads", ioThreads::close);
        }
        step("close the store", store::close);
        LOG.info("broker {} at {} stopped", config.brokerName(), address);
    }

    /** Runs one shutdown step; a failing step is logged and the next ones still run. */
    private void step(String what, Runnable action) {
        try {
            action.run();
        } catch (RuntimeException e) {
            LOG.error("broker {}: could not {} during shutdown", config.brokerName(), what, e);
        }
    }

    private void persistOffsetsSafely() {
        try {
            offsets.persist();
        } catch (RuntimeException e) {
            LOG.error("persisting consumer offsets failed; retrying in {} ms", config.offsetFlushIntervalMs(), e);
        }
    }

    /** Forgets expired ordered-consumption locks and the groups left without any, and saves the holders. */
    private void sweepQueueLocksSafely() {
        try {
            queueLocks.sweep();
            queueLockFile.sync();
        } catch (RuntimeException e) {
            LOG.error("sweeping the queue lock table failed", e);
        }
    }

    private void rollIntervalStatsSafely() {
        try {
            intervalStats.roll();
        } catch (RuntimeException e) {
            LOG.error("rolling the delivery latency and topic rate interval failed; the next roll is in {} ms",
                    config.statsIntervalMs(), e);
        }
    }

    /** Each group's delivery latency and each topic's rates per interval (GET_DELIVERY_LATENCY, GET_TOPIC_RATES). */
    public IntervalStats intervalStats() {
        return intervalStats;
    }

    private void scanClientsSafely() {
        try {
            clients.scanExpired(System.currentTimeMillis());
        } catch (RuntimeException e) {
            LOG.error("scanning for expired clients failed", e);
        }
        try {
            retryTopics.deleteRetiredGroups(group -> clients.consumerGroup(group) != null,
                    group -> !offsets.offsetsOf(group).isEmpty(),
                    topic -> store.maxQueueOffset(topic, RetryTopics.QUEUE_ID) > 0);
        } catch (RuntimeException e) {
            LOG.error("deleting the retry topics of groups that are gone failed", e);
        }
    }

    /** The port the broker listens on (the one the OS picked when listenPort is 0). */
    public int port() {
        NettyRemotingServer s = server;
        if (s == null) {
            throw new IllegalStateException("the broker has no port before start()");
        }
        return s.localPort();
    }

    /** The port of {@code /metrics}, or -1 when the broker serves none ({@code metricsPort=-1}, or not started). */
    public int metricsPort() {
        MetricsHttpServer m = metricsServer;
        return m == null ? -1 : m.port();
    }

    /** The broker's Prometheus meters; {@link BrokerMetrics#scrape()} gives the text {@code /metrics} serves. */
    public BrokerMetrics metrics() {
        return metrics;
    }

    /** What the metrics read at scrape time. */
    private final class MetricsSource implements BrokerMetrics.Source {
        @Override
        public io.tidemq.store.api.StoreStats storeStats() {
            return store.stats();
        }

        @Override
        public long diskTotalBytes() {
            return storeDir().getTotalSpace();
        }

        @Override
        public long diskUsableBytes() {
            return storeDir().getUsableSpace();
        }

        private File storeDir() {
            return config.storePath().toFile();
        }

        @Override
        public boolean storeWritable() {
            return store.writeRefusal() == null;
        }

        @Override
        public boolean drained() {
            return drain.drained();
        }

        @Override
        public Map<String, LongSupplier> gauges() {
            return stats.gauges;
        }

        @Override
        public boolean topicExists(String topic) {
            return topics.get(topic) != null;
        }
    }

    /** {@code brokerIp:port}, the address clients and NameServers use; {@code null} before start. */
    public String address() {
        return address;
    }

    public BrokerConfig config() {
        return config;
    }

    public TopicConfigManager topicConfigManager() {
        return topics;
    }

    public ConsumerOffsetManager consumerOffsetManager() {
        return offsets;
    }

    public ClientManager clientManager() {
        return clients;
    }

    /**
     * Whether the broker runs the master's own writers (timer deliveries, transaction check-backs) from its start: a
     * broker alone or a configured master. A configured slave never does; a controlled replica starts with no role
     * and runs them only while the controller makes it master ({@link MasterServices}).
     */
    private boolean startsAsMaster() {
        return config.controllerAddresses().isEmpty() && config.haConfig().role() != BrokerRole.SLAVE;
    }

    /**
     * A controlled replica's writers follow its role: started when it becomes master (the timer from the progress its
     * former master replicated, the checks from the replicated transaction progress), stopped when it stops being
     * master. Runs on the controller agent's thread, after the server and the check service exist (the follower
     * starts after both) and never after close() stopped the follower.
     */
    private final class MasterServices implements ReplicationService.RoleListener {
        @Override
        public void becameMaster(int epoch) {
            // offsets committed here as a slave are the group's truth now; sending them to a later master would
            // undo a reset made there meanwhile
            offsets.forgetUnmerged();
            if (config.timerSettings().enabled() && !timer.isRunning()) {
                timer.start();
            }
            if (!transactionChecks.isRunning()) {
                transactionChecks.start(server, clients::producerChannels);
            }
            LOG.info("broker {} is master in epoch {}: timer deliveries and transaction check-backs run here",
                    config.brokerName(), epoch);
        }

        @Override
        public void stoppedBeingMaster(int epoch) {
            boolean ran = timer.isRunning() || transactionChecks.isRunning();
            transactionChecks.close();
            timer.stop();
            if (ran) {
                LOG.info("broker {} is not master in epoch {}: its timer deliveries and transaction check-backs"
                        + " stopped (the master runs them)", config.brokerName(), epoch);
            }
        }
    }

    /** Whether this broker is a slave now (its configured role, or the controller's). */
    private boolean isSlaveNow() {
        ReplicationService r = replication;
        return r != null && r.role() == BrokerRole.SLAVE;
    }

    /**
     * The id routes know this broker by: 0 for the master. With a controller the role moves, so a replica
     * (brokerId 1 or more) registers as 0 while it is master.
     */
    private long registeredId() {
        ReplicationService r = replication;
        if (r != null && r.controlled()) {
            return r.role() == BrokerRole.MASTER ? 0 : config.brokerId();
        }
        return config.brokerId();
    }

    /** An admin changed a topic: a master returns once its in-sync slaves hold the change. Admin threads. */
    private void replicateTopicChange() {
        if (replication != null) {
            replication.replicateMetadataNow();
        }
    }

    /** Replication of this broker, or null when it runs alone. */
    /** Whether the HA server registers slave connections on the client-facing server's I/O threads; tests. */
    boolean replicationSharesIoThreads() {
        return ioThreads != null;
    }

    public ReplicationService replication() {
        return replication;
    }

    public MessageStore messageStore() {
        return store;
    }

    /** The broker's one put path: use it for every message the broker stores on someone's behalf. */
    public BrokerStore brokerStore() {
        return brokerStore;
    }

    public TimerMessageService timerService() {
        return timer;
    }

    public PullRequestHoldService pullRequestHoldService() {
        return holds;
    }

    /** Ordered consumers' queue locks (LOCK_BATCH_MQ / UNLOCK_BATCH_MQ). */
    public QueueLockTable queueLockTable() {
        return queueLocks;
    }

    public BrokerStats stats() {
        return stats;
    }

    /** Connection events arrive on the transport's event thread, never on an I/O thread. */
    private final class ConnectionEvents implements ChannelEventListener {
        @Override
        public void onClose(String remoteAddress, RemotingChannel channel) {
            clients.channelClosed(channel);
        }

        @Override
        public void onIdle(String remoteAddress, RemotingChannel channel) {
            clients.channelClosed(channel);
        }

        @Override
        public void onException(String remoteAddress, RemotingChannel channel, Throwable cause) {
            clients.channelClosed(channel);
        }
    }
}
