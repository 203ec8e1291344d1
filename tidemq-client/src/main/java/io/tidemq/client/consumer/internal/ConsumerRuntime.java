package io.tidemq.client.consumer.internal;

import io.tidemq.client.ClientStateException;
import io.tidemq.client.instance.ClientInstance;
import io.tidemq.client.instance.ConsumerMember;

import io.tidemq.client.ClientConfig;
import io.tidemq.client.ClientException;
import io.tidemq.client.TopicNotFoundException;
import io.tidemq.client.consumer.ConsumeFromWhere;
import io.tidemq.client.consumer.MessageModel;
import io.tidemq.client.offset.LocalFileOffsetStore;
import io.tidemq.client.offset.OffsetRemote;
import io.tidemq.client.offset.OffsetStore;
import io.tidemq.client.offset.RemoteOffsetStore;
import io.tidemq.client.rebalance.AllocateStrategy;
import io.tidemq.client.rebalance.Rebalancer;
import io.tidemq.common.message.MessageQueue;
import io.tidemq.common.names.NameValidator;
import io.tidemq.common.protocol.body.ConsumerData;
import io.tidemq.common.protocol.body.SubscriptionData;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * The machinery push and pull consumers share: membership in the client instance (heartbeats, rebalance
 * callbacks), the offset store, the rebalancer, and the table of assigned queues with their pull loops.
 * A queue is started at its committed offset, or per {@code consumeFromWhere} when the group has none
 * (LAST only for a group new to the topic, see {@link #startOffset});
 * a revoked queue stops pulling, is marked dropped, has its offset committed, and is forgotten.
 *
 * <p>Thread-safety: the queue table is a concurrent map read by any thread; starting, stopping and
 * restarting queues is serialised by {@code this} (rebalance thread and the user's seek calls).
 */
public final class ConsumerRuntime implements ConsumerMember, Rebalancer.Listener {

    private static final Logger LOG = LoggerFactory.getLogger(ConsumerRuntime.class);

    private final String group;
    private final ClientConfig config;
    private final MessageModel model;
    private final ConsumeFromWhere consumeFromWhere;
    private final AllocateStrategy strategy;
    private final String consumeType;
    private final SubscriptionTable subscriptions;
    /** Queue to its current pull loop; concurrent, mutated under {@code this}. */
    private final Map<MessageQueue, PullRequest> queues = new ConcurrentHashMap<>();
    /** Set once in {@link #start}; read after. */
    private volatile ClientInstance instance;
    private volatile OffsetStore offsets;
    private volatile Rebalancer rebalancer;
    private volatile PullService pulls;
    private volatile ScheduledFuture<?> commitTimer;
    /**
     * Queues given with {@link #assign} (an immutable set), or null when the rebalancer assigns. Written
     * under {@code this}, read without it: heartbeats read it from whatever thread fetches a route, which
     * may hold another consumer's lock, so taking ours there could deadlock.
     */
    private volatile Set<MessageQueue> manualAssignment;
    /** Topics the group is known to have consumed (see {@link #groupConsumedTopic}); concurrent, only grows. */
    private final Set<String> consumedTopics = ConcurrentHashMap.newKeySet();
    /**
     * Topics whose queues this rebalance (or assign call) started at LAST because the group is new to them;
     * concurrent, cleared when the next one begins. The other queues of such a topic in the same round start
     * at LAST too, although the first ones may already have committed (the pull piggybacks the offset).
     */
    private final Set<String> newToGroupThisRound = ConcurrentHashMap.newKeySet();
    private volatile Consumer<MessageQueue> beforeRevoke = mq -> { };
    private volatile Predicate<MessageQueue> beforeAssign = mq -> true;
    /**
     * Non-null for an ordered clustering consumer (set by {@link #fenceByQueueLocks} before pulls start): pulls and
     * commits name this client, so the broker refuses them when it does not hold the queue's lock.
     */
    private volatile PullService.LockFence lockFence;
    private volatile boolean closed;

    public ConsumerRuntime(String group, ClientConfig config, MessageModel model, ConsumeFromWhere consumeFromWhere,
                           AllocateStrategy strategy, String consumeType, SubscriptionTable subscriptions) {
        this.group = group;
        this.config = config;
        this.model = model;
        this.consumeFromWhere = consumeFromWhere;
        this.strategy = strategy;
        this.consumeType = consumeType;
        this.subscriptions = subscriptions;
    }

    /**
     * Joins the client instance and the group: loads offsets, fetches routes, heartbeats, then rebalances
     * (unless queues are assigned manually with {@link #assign}). {@code handlerFactory} is called once
     * {@link #offsets()} and {@link #instance()} are set, before any pull can start.
     */
    public void start(Function<ConsumerRuntime, PullService.Handler> handlerFactory) {
        ClientInstance ci = ClientInstance.acquire(config);
        try {
            OffsetStore store = model == MessageModel.CLUSTERING
                    ? new RemoteOffsetStore(group, new BrokerOffsets())
                    : new LocalFileOffsetStore(config.offsetStoreDir(), config.instanceName(), group);
            store.load();
            offsets = store;
            instance = ci;
            PullService.Handler handler = handlerFactory.apply(this);
            pulls = new PullService(ci, config, group, subscriptions, store, model == MessageModel.CLUSTERING,
                    handler, lockFence);
            rebalancer = new Rebalancer(group, ci.clientId(), model == MessageModel.BROADCASTING, strategy,
                    new Rebalancer.Source() {
                        @Override
                        public List<MessageQueue> readableQueues(String topic) {
                            return ci.readableQueues(topic);
                        }

                        @Override
                        public List<String> consumerIds(String g, String topic) {
                            return ci.consumerIds(g, topic);
                        }
                    }, this);
            ci.registerConsumer(this);
        } catch (RuntimeException e) {
            ci.release();
            throw e;
        }
        for (String topic : subscriptions.topics()) {
            try {
                ci.fetchRoute(topic);
            } catch (TopicNotFoundException e) {
                if (NameValidator.isSystemTopic(topic)) {
                    // the group's retry topic: the broker creates it on the group's first heartbeat
                    LOG.debug("group {}: reserved topic {} does not exist yet", group, topic);
                } else {
                    LOG.warn("group {}: waiting for topic {} to be created (looked up every {} ms): {}", group,
                            topic, ClientInstance.MISSING_TOPIC_CHECK_MS, e.getMessage());
                }
            } catch (ClientException e) {
                LOG.warn("group {}: route of topic {} unavailable at start ({}); retrying every {} ms", group, topic,
                        e.getMessage(), ClientInstance.MISSING_TOPIC_CHECK_MS);
            }
        }
        ci.sendHeartbeatsAndWait();
        commitTimer = ci.scheduleAtFixedDelay("offset commit of group " + group, this::commitOffsets,
                config.offsetCommitIntervalMs());
        ci.triggerRebalance(group);
    }

    /** Called before a revoked queue's offset is committed (the pull consumer flushes returned offsets). */
    public void beforeRevoke(Consumer<MessageQueue> hook) {
        this.beforeRevoke = hook;
    }

    /**
     * Called before an assigned queue's start offset is read; returning false leaves the queue unassigned until
     * the next rebalance (an ordered consumer takes the queue's broker lock here).
     */
    public void beforeAssign(Predicate<MessageQueue> hook) {
        this.beforeAssign = hook;
    }

    /**
     * Makes pulls and commits of this (ordered, clustering) consumer name it as the queue's lock holder, so the
     * broker refuses them once another member holds the lock; {@code onRefused} hears (on a network thread) of
     * each refused pull. Called from the handler factory of {@link #start}, before any pull.
     */
    public void fenceByQueueLocks(Consumer<MessageQueue> onRefused) {
        this.lockFence = new PullService.LockFence(instance.clientId(), onRefused);
    }

    /** The client id pulls and commits are fenced with, or {@code null} when they are not. */
    public String lockHolderId() {
        PullService.LockFence f = lockFence;
        return f == null ? null : f.clientId();
    }

    // ---- ConsumerMember

    @Override
    public String group() {
        return group;
    }

    @Override
    public ConsumerData consumerData() {
        Set<SubscriptionData> subs = subscriptions.toData();
        Set<MessageQueue> manual = manualAssignmentSnapshot();
        if (manual != null) {
            manual.forEach(mq -> subs.add(new SubscriptionData(mq.topic(), "*")));
        }
        return new ConsumerData(group, consumeType, model.name(), consumeFromWhere.name(), subs, null);
    }

    @Override
    public Set<String> topics() {
        Set<String> topics = subscriptions.topics();
        Set<MessageQueue> manual = manualAssignmentSnapshot();
        if (manual != null) {
            manual.forEach(mq -> topics.add(mq.topic()));
        }
        return topics;
    }

    @Override
    public void rebalance() {
        if (closed || manualAssignmentSnapshot() != null) {
            return;
        }
        newToGroupThisRound.clear();
        rebalancer.rebalance(retryTopicLast(subscriptions.topics()));
    }

    /**
     * The subscribed topics with the group's retry topic last: a member giving up queues of the user's topics
     * then commits and releases them before the extra round trips of the retry queue, so the member taking them
     * over starts from the latest commit (fewer duplicates when a member leaves).
     */
    private static List<String> retryTopicLast(Set<String> topics) {
        List<String> ordered = new ArrayList<>(topics);
        ordered.sort(Comparator.comparing((String t) -> t.startsWith(NameValidator.RETRY_PREFIX))
                .thenComparing(Comparator.naturalOrder()));
        return ordered;
    }

    private Set<MessageQueue> manualAssignmentSnapshot() {
        return manualAssignment;
    }

    // ---- queue lifecycle

    @Override
    public synchronized boolean queueAssigned(MessageQueue mq) {
        if (closed) {
            return false;
        }
        if (!beforeAssign.test(mq)) {
            return false;
        }
        long offset;
        try {
            offset = startOffset(mq);
        } catch (RuntimeException e) {
            LOG.warn("group {}: cannot find where to start reading {} ({}); retrying on the next rebalance",
                    group, mq, e.getMessage());
            return false;
        }
        startQueue(mq, offset);
        return true;
    }

    @Override
    public synchronized void queueRevoked(MessageQueue mq) {
        PullRequest r = queues.remove(mq);
        if (r == null) {
            return;
        }
        r.processQueue().markDropped();
        beforeRevoke.accept(mq);
        offsets.persist(mq);
        offsets.remove(mq);
    }

    /** Restarts the pull loop of an assigned queue at {@code offset} (seek); buffered messages are discarded. */
    public synchronized void restartQueue(MessageQueue mq, long offset) {
        PullRequest old = queues.get(mq);
        if (old == null) {
            throw new ClientStateException(mq + " is not assigned to this consumer; assigned: "
                    + new TreeSet<>(queues.keySet()));
        }
        old.processQueue().markDropped();
        startQueue(mq, offset);
    }

    private void startQueue(MessageQueue mq, long offset) {
        PullRequest r = new PullRequest(mq, new ProcessQueue(offset), offset);
        queues.put(mq, r);
        offsets.update(mq, offset, false);
        LOG.info("group {}: reading {} from offset {}", group, mq, offset);
        pulls.start(r);
    }

    /** Manually assigns queues (no rebalancing): stops the queues not in {@code mqs}, starts the new ones. */
    public synchronized void assign(Collection<MessageQueue> mqs) {
        Set<MessageQueue> target = Set.copyOf(mqs);
        manualAssignment = target;
        newToGroupThisRound.clear();
        for (MessageQueue mq : new ArrayList<>(queues.keySet())) {
            if (!target.contains(mq)) {
                queueRevoked(mq);
            }
        }
        for (MessageQueue mq : new TreeSet<>(target)) {
            if (!queues.containsKey(mq)) {
                long offset;
                try {
                    offset = startOffset(mq);
                } catch (RuntimeException e) {
                    throw new ClientException("cannot start reading " + mq + ": " + e.getMessage(), e);
                }
                startQueue(mq, offset);
            }
        }
    }

    /**
     * The committed offset, or for a queue the group has none for, the queue's min (FIRST) or max (LAST)
     * offset. LAST applies only to a group that never consumed the topic: a queue without an offset in a
     * topic the group already consumes (queues or a broker were added, as RocketMQ treats new queues)
     * starts at its min, or what producers wrote to it before this member read it would be skipped. The
     * group's retry queue always starts at its min offset: every copy in it is a failed message of this group
     * that still has to be consumed, even when it was stored before this member first read the queue.
     */
    public long startOffset(MessageQueue mq) {
        long stored = offsets.readStored(mq);
        if (stored >= 0) {
            return stored;
        }
        boolean retryQueue = mq.topic().startsWith(NameValidator.RETRY_PREFIX);
        boolean fromLast = consumeFromWhere == ConsumeFromWhere.LAST && !retryQueue && !groupConsumedTopic(mq);
        if (fromLast) {
            newToGroupThisRound.add(mq.topic());
        }
        return queueOffset(mq, fromLast);
    }

    /**
     * Whether the group has an offset for another queue of {@code mq}'s topic (this member's file for
     * broadcasting, the brokers for clustering). A yes is remembered; a no is asked again for the next queue,
     * as other members commit meanwhile. A broker that cannot be asked is skipped.
     */
    private boolean groupConsumedTopic(MessageQueue mq) {
        if (consumedTopics.contains(mq.topic())) {
            return true;
        }
        if (newToGroupThisRound.contains(mq.topic())) {
            return false;
        }
        for (MessageQueue other : instance.readableQueues(mq.topic())) {
            if (other.equals(mq)) {
                continue;
            }
            long offset;
            if (model == MessageModel.BROADCASTING) {
                offset = offsets.readLocal(other);
            } else {
                try {
                    offset = onReadReplica(other, addr -> instance.api().queryConsumerOffset(addr, group, other));
                } catch (ClientException e) {
                    LOG.debug("group {}: cannot ask for the offset of {}: {}", group, other, e.getMessage());
                    continue;
                }
            }
            if (offset >= 0) {
                consumedTopics.add(mq.topic());
                return true;
            }
        }
        return false;
    }

    /** The queue's min or max offset, asked of its broker. */
    public long queueOffset(MessageQueue mq, boolean max) {
        return onReadReplica(mq, addr -> instance.api().queueOffset(addr, mq, max));
    }

    /**
     * Runs a read of {@code mq}'s broker (offset query or commit) on the replica reads go to now; when a master
     * does not answer and the group has a slave, once more on the slave.
     */
    private <T> T onReadReplica(MessageQueue mq, java.util.function.Function<String, T> call) {
        String addr = readAddressOf(mq);
        try {
            return call.apply(addr);
        } catch (io.tidemq.client.RemotingFailedException e) {
            if (!instance.readFailed(mq.brokerName(), addr)) {
                throw e;
            }
            return call.apply(readAddressOf(mq));
        }
    }

    private String readAddressOf(MessageQueue mq) {
        String addr = instance.readAddress(mq.brokerName());
        if (addr == null) {
            instance.fetchRoute(mq.topic());
            addr = instance.readAddress(mq.brokerName());
        }
        if (addr == null) {
            throw new ClientException("broker " + mq.brokerName() + " of " + mq + " is not in the route of topic '"
                    + mq.topic() + "'; check that it is running and registered with the NameServers");
        }
        return addr;
    }

    public PullRequest pullRequest(MessageQueue mq) {
        return queues.get(mq);
    }

    public Set<MessageQueue> assignment() {
        return new TreeSet<>(queues.keySet());
    }

    public OffsetStore offsets() {
        return offsets;
    }

    public ClientInstance instance() {
        return instance;
    }

    /** Commits the in-memory offsets of every assigned queue. */
    public void commitOffsets() {
        offsets.persistAll(new ArrayList<>(queues.keySet()));
    }

    /** Stops the pull loops (messages already pulled stay in their process queues). */
    public void stopPulling() {
        closed = true;
        pulls.stop();
    }

    /** Commits and drops every queue, leaves the group, and releases the client instance. */
    public void close() {
        closed = true;
        if (commitTimer != null) {
            commitTimer.cancel(false);
        }
        pulls.stop();
        // rebalancer first, outside this lock: a running rebalance holds the rebalancer's lock and then takes ours
        rebalancer.revokeAll();
        synchronized (this) {
            for (MessageQueue mq : new ArrayList<>(queues.keySet())) {
                queueRevoked(mq);
            }
        }
        instance.unregisterConsumer(group);
        instance.release();
    }

    /** Broker-side offsets over the client instance's connections. */
    private final class BrokerOffsets implements OffsetRemote {
        @Override
        public long queryOffset(String group, MessageQueue mq) {
            return onReadReplica(mq, addr -> instance.api().queryConsumerOffset(addr, group, mq));
        }

        @Override
        public long commitOffset(String group, MessageQueue mq, long offset) {
            return onReadReplica(mq, addr -> instance.api().updateConsumerOffset(addr, group, mq, offset,
                    lockHolderId(), false));
        }

        @Override
        public long rewindOffset(String group, MessageQueue mq, long offset) {
            return onReadReplica(mq, addr -> instance.api().updateConsumerOffset(addr, group, mq, offset,
                    lockHolderId(), true));
        }
    }
}
