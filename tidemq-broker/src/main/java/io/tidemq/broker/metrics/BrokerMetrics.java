package io.tidemq.broker.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.tidemq.broker.stats.TrafficListener;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.LongSupplier;
import java.util.function.ToDoubleFunction;

/**
 * The broker's Prometheus metrics (docs/metrics.md lists each): Micrometer meters in a
 * {@link PrometheusMeterRegistry} whose every series carries the constant labels {@code cluster} and
 * {@code broker}; other labels are only {@code topic} and {@code group}. Traffic meters are updated by the
 * request threads ({@link TrafficListener}); store, timer and consumer-lag figures are read at scrape time.
 *
 * <p>Thread-safety: the per-topic and per-group meter caches are concurrent maps (after a topic or group was
 * first seen, an update allocates nothing); {@link #scrape()} is synchronized, so the lag rows of two scrapes
 * never interleave.
 */
public final class BrokerMetrics implements TrafficListener {

    private static final Duration[] STORE_BUCKETS = {Duration.ofNanos(100_000), Duration.ofNanos(500_000),
            Duration.ofMillis(1), Duration.ofMillis(2), Duration.ofMillis(5), Duration.ofMillis(10),
            Duration.ofMillis(25), Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250),
            Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofSeconds(5)};
    private static final Duration[] DELIVERY_BUCKETS = {Duration.ofMillis(1), Duration.ofMillis(5),
            Duration.ofMillis(10), Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(500),
            Duration.ofSeconds(1), Duration.ofSeconds(5), Duration.ofSeconds(10), Duration.ofSeconds(30),
            Duration.ofMinutes(1), Duration.ofMinutes(5), Duration.ofMinutes(30), Duration.ofHours(2)};

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final ConsumerLagSource lag;
    /** Held here because function counters keep only a weak reference to what they read. */
    private final Source source;
    private final Timer storeLatency;
    /** topic → its meters; filled on first use by request threads. */
    private final Map<String, TopicMeters> topics = new ConcurrentHashMap<>();
    /** group → topic → its meters; filled on first use by pull threads. */
    private final Map<String, Map<String, GroupMeters>> groups = new ConcurrentHashMap<>();
    private final Function<String, TopicMeters> newTopicMeters = this::topicMeters;
    private final Function<String, Map<String, GroupMeters>> newGroupMap = g -> new ConcurrentHashMap<>();
    private final Timer fsyncDuration;
    private final MultiGauge lagMessages;
    private final MultiGauge lagSeconds;
    private final MultiGauge unknownQueues;
    private final MultiGauge consumerClients;

    /**
     * @param cluster the broker's cluster (constant label {@code cluster})
     * @param broker  the broker's name (constant label {@code broker})
     * @param source  the figures read at scrape time
     */
    public BrokerMetrics(String cluster, String broker, Source source, ConsumerLagSource lag) {
        this.lag = lag;
        this.source = source;
        registry.config().commonTags("cluster", cluster, "broker", broker);
        storeLatency = Timer.builder("tidemq.store.put.duration")
                .description("Time from handing a message to the store to its acknowledgement (SYNC flush: fsynced)")
                .serviceLevelObjectives(STORE_BUCKETS).register(registry);
        fsyncDuration = Timer.builder("tidemq.store.fsync.duration")
                .description("Time one fsync (msync) of a CommitLog range took, in the flush thread")
                .serviceLevelObjectives(STORE_BUCKETS).register(registry);
        lagMessages = MultiGauge.builder("tidemq.consumer.lag.messages")
                .description("Messages a group has not consumed yet, summed over the queues it committed on; absent"
                        + " while unknown (no committed offset)").register(registry);
        lagSeconds = MultiGauge.builder("tidemq.consumer.lag.seconds")
                .description("Age of the oldest message a group has not consumed (now minus its store time); 0 when"
                        + " caught up; absent while unknown").register(registry);
        unknownQueues = MultiGauge.builder("tidemq.consumer.offset.unknown.queues")
                .description("Queues of a topic on which a group has no committed offset (their lag is unknown)")
                .register(registry);
        consumerClients = MultiGauge.builder("tidemq.consumer.clients")
                .description("Members of a consumer group connected to this broker").register(registry);
        bindSource(this.source);
    }

    /** The histogram of CommitLog fsync durations, fed by {@link FsyncTimer}. */
    public Timer fsyncDuration() {
        return fsyncDuration;
    }

    /** What the store, timer and broker report at scrape time. */
    public interface Source {
        io.tidemq.store.api.StoreStats storeStats();

        long diskTotalBytes();

        long diskUsableBytes();

        boolean storeWritable();

        boolean drained();

        /** Named running figures of the broker (BrokerStats.gauges). */
        Map<String, LongSupplier> gauges();

        /** Whether the broker still hosts the topic (the series of deleted topics leave the scrape). */
        boolean topicExists(String topic);
    }

    private void bindSource(Source s) {
        gauge("tidemq.store.commitlog.bytes", "Bytes the CommitLog holds (max minus min offset)", s,
                x -> Math.max(0, x.storeStats().commitLogMaxOffset() - x.storeStats().commitLogMinOffset()));
        gauge("tidemq.store.flush.behind.bytes", "CommitLog bytes written but not yet flushed to disk", s,
                x -> Math.max(0, x.storeStats().commitLogMaxOffset() - x.storeStats().flushedOffset()));
        gauge("tidemq.store.dispatch.behind.bytes", "CommitLog bytes not yet indexed into ConsumeQueues", s,
                x -> Math.max(0, x.storeStats().commitLogMaxOffset() - x.storeStats().dispatchedOffset()));
        gauge("tidemq.store.disk.total.bytes", "Size of the file system holding the store", s, Source::diskTotalBytes);
        gauge("tidemq.store.disk.free.bytes", "Free bytes of the file system holding the store", s,
                Source::diskUsableBytes);
        gauge("tidemq.store.disk.used.ratio", "Used part (0 to 1) of the file system holding the store", s,
                x -> x.diskTotalBytes() <= 0 ? 0 : (double) (x.diskTotalBytes() - x.diskUsableBytes()) / x.diskTotalBytes());
        gauge("tidemq.store.writable", "1 while the store accepts writes; 0 after DISK_FULL or a failed fsync", s,
                x -> x.storeWritable() ? 1 : 0);
        gauge("tidemq.broker.drained", "1 while the broker is drained (routes no longer send to it)", s,
                x -> x.drained() ? 1 : 0);
        counter("tidemq.store.fsyncs", "fsyncs of the CommitLog that flushed something", s,
                x -> x.storeStats().commitLogFsyncs());
        counter("tidemq.store.group.commits", "SYNC group-commit rounds (one fsync acknowledging one or more puts)", s,
                x -> x.storeStats().groupCommits());
        counter("tidemq.store.group.commit.records", "Puts acknowledged by group-commit fsyncs", s,
                x -> x.storeStats().syncFlushedRecords());
        counter("tidemq.store.sync.flush.timeouts", "SYNC puts not fsynced within syncFlushTimeoutMs", s,
                x -> x.storeStats().syncFlushTimeouts());
        counter("tidemq.store.corrupt.records", "Corrupt CommitLog ranges found by recovery, dispatch or reads", s,
                x -> x.storeStats().corruptRecords());
        counter("tidemq.store.appended.bytes", "CommitLog bytes appended", s, x -> x.storeStats().appendedBytes());
        gauge("tidemq.timer.scheduled.messages", "Delayed messages (and retries) waiting in the timer", s,
                x -> named(x, "timerScheduled"));
        counter("tidemq.retry.messages", "Messages sent back for a retry (copies stored in retry topics)", s,
                x -> named(x, "retriedMessages"));
        counter("tidemq.dlq.messages", "Messages moved to a dead-letter queue", s, x -> named(x, "deadLetteredMessages"));
    }

    private static double named(Source s, String name) {
        LongSupplier v = s.gauges().get(name);
        return v == null ? 0 : v.getAsLong();
    }

    private void gauge(String name, String description, Source s, ToDoubleFunction<Source> f) {
        // strong references: the source is held by nothing else, and Micrometer would report NaN once it is collected
        Gauge.builder(name, s, f).description(description).strongReference(true).register(registry);
    }

    private void counter(String name, String description, Source s, ToDoubleFunction<Source> f) {
        FunctionCounter.builder(name, s, f).description(description).register(registry);
    }

    private TopicMeters topicMeters(String topic) {
        return new TopicMeters(
                Counter.builder("tidemq.messages.in").description("Messages stored").tag("topic", topic).register(registry),
                Counter.builder("tidemq.messages.in.bytes").description("Message body bytes stored").tag("topic", topic)
                        .register(registry),
                Counter.builder("tidemq.send.errors").description("Messages whose store failed (disk full, flush"
                        + " timeout, closed store...)").tag("topic", topic).register(registry));
    }

    private GroupMeters groupMeters(String topic, String group) {
        Tags tags = Tags.of("topic", topic, "group", group);
        return new GroupMeters(
                Counter.builder("tidemq.messages.out").description("Messages delivered to a group by pulls (admin"
                        + " reads are not counted)").tags(tags).register(registry),
                Counter.builder("tidemq.messages.out.bytes").description("Bytes delivered to a group by pulls")
                        .tags(tags).register(registry),
                Timer.builder("tidemq.consumer.delivery.latency").description("Store time to delivery at pull,"
                        + " measured on the broker").tags(tags).serviceLevelObjectives(DELIVERY_BUCKETS)
                        .register(registry));
    }

    @Override
    public void stored(String topic, int messages, long bytes, long storeNanos) {
        // a plain read first, as TopicRateStats does: computeIfAbsent locks the bin whenever the topic is not its
        // first node, on every send
        TopicMeters m = topics.get(topic);
        if (m == null) {
            m = topics.computeIfAbsent(topic, newTopicMeters);
        }
        m.in.increment(messages);
        m.inBytes.increment(bytes);
        storeLatency.record(storeNanos, TimeUnit.NANOSECONDS);
    }

    @Override
    public void storeFailed(String topic, int messages) {
        topics.computeIfAbsent(topic, newTopicMeters).errors.increment(messages);
    }

    @Override
    public void delivered(String topic, String group, long[] storeTimestampsMs, int messages, long bytes,
                          long nowMs) {
        Map<String, GroupMeters> byTopic = groups.computeIfAbsent(group, newGroupMap);
        GroupMeters m = byTopic.get(topic);
        if (m == null) {
            m = byTopic.computeIfAbsent(topic, t -> groupMeters(t, group));
        }
        m.out.increment(messages);
        m.outBytes.increment(bytes);
        for (int i = 0; i < messages; i++) {
            m.deliveryLatency.record(Math.max(0, nowMs - storeTimestampsMs[i]), TimeUnit.MILLISECONDS);
        }
    }

    /** Forgets the traffic meters of a deleted topic, so its series leave the scrape. */
    void topicDeleted(String topic) {
        TopicMeters m = topics.remove(topic);
        if (m != null) {
            registry.remove(m.in);
            registry.remove(m.inBytes);
            registry.remove(m.errors);
        }
        for (Map<String, GroupMeters> byTopic : groups.values()) {
            GroupMeters g = byTopic.remove(topic);
            if (g != null) {
                registry.remove(g.out);
                registry.remove(g.outBytes);
                registry.remove(g.deliveryLatency);
            }
        }
    }

    /** The Prometheus text of every series, consumer lag recomputed first. */
    public synchronized String scrape() {
        for (String topic : new java.util.ArrayList<>(topics.keySet())) {
            if (!source.topicExists(topic)) {
                topicDeleted(topic);
            }
        }
        for (Map<String, GroupMeters> byTopic : groups.values()) {
            for (String topic : new java.util.ArrayList<>(byTopic.keySet())) {
                if (!source.topicExists(topic)) {
                    topicDeleted(topic);
                }
            }
        }
        ConsumerLagSource.Snapshot s = lag.snapshot();
        lagMessages.register(s.lagMessages(), true);
        lagSeconds.register(s.lagSeconds(), true);
        unknownQueues.register(s.unknownQueues(), true);
        consumerClients.register(s.consumerClients(), true);
        return registry.scrape();
    }

    public PrometheusMeterRegistry registry() {
        return registry;
    }

    private record TopicMeters(Counter in, Counter inBytes, Counter errors) {
    }

    private record GroupMeters(Counter out, Counter outBytes, Timer deliveryLatency) {
    }
}
