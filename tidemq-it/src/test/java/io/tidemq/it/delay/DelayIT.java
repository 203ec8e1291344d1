package io.tidemq.it.delay;

import io.tidemq.broker.schedule.TimerRecords;
import io.tidemq.client.consumer.ConsumeFromWhere;
import io.tidemq.client.consumer.PushConsumer;
import io.tidemq.client.producer.Producer;
import io.tidemq.common.message.MessageConst;
import io.tidemq.common.message.MessageExt;
import io.tidemq.it.support.ItLogs;
import io.tidemq.it.support.Standalone;
import io.tidemq.it.support.StandaloneClients;
import io.tidemq.it.support.TopicAudit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Delayed messages end to end: a standalone server (SYNC flush) in a child JVM, a producer sending 10 000
 * messages with seeded random delays of 1-20 s as fast as it can, and a push consumer in this JVM timing each
 * arrival. Never early, at most 1 s late, and exactly once into the topic, also when the server is killed with
 * kill -9 half-way and restarted on the same data.
 *
 * <p>The seed is printed first and in every assertion; {@code -Dtidemq.it.delay.seed=N} replays a run.
 */
class DelayIT {

    private static final String TOPIC = "it-delay";
    private static final int QUEUES = 4;
    private static final int MESSAGES = 10_000;
    private static final long MIN_DELAY_MS = 1_000;
    private static final long MAX_DELAY_MS = 20_000;
    private static final int MAX_IN_FLIGHT = 128;
    /** The documented bound: under normal load a delayed message arrives at most 1 s late. */
    private static final long ON_TIME_MS = 1_000;
    /**
     * Added to {@link #ON_TIME_MS} for what follows the re-put: with SYNC flush a stored message becomes visible
     * after its fsync, then the broker wakes the consumer's held long-polling pull, which answers and hands the
     * message to a listener thread. That takes a few ms (p99 under 100 ms when measured); the rest is room for
     * fsync and scheduling stalls on a loaded 2-core machine (at a load average of 13, one message took 1.4 s
     * from its on-time re-put to the listener).
     */
    private static final long CONSUMER_TOLERANCE_MS = 500;
    /** When, after sending started, the server is killed in the crash variant. */
    private static final long KILL_AFTER_MS = 8_000;
    private static final Duration ALL_ARRIVE = Duration.ofMillis(MAX_DELAY_MS + 40_000);

    @TempDir
    Path tmp;

    private Standalone server;
    private StandaloneClients clients;

    @AfterEach
    void stopAll() throws Exception {
        if (clients != null) {
            clients.close();
        }
    }

    @Test
    void tenThousandRandomlyDelayedMessagesArriveNeverEarlyAtMostOneSecondLateAndOnceEach() throws Exception {
        DelayedSends sends = newSends("on time");
        String seed = "seed " + sends.seed();
        startServer("on-time");
        Arrivals arrivals = new Arrivals(MESSAGES);
        consumer("it-delay-group", arrivals);

        long sendStartMs = System.currentTimeMillis();
        sends.sendAll(producer(), TOPIC, MAX_IN_FLIGHT);
        long sentInMs = System.currentTimeMillis() - sendStartMs;
        assertThat(sends.failures()).as("send failures (%s)", seed).isEmpty();
        await("all " + MESSAGES + " delayed messages arrive (" + seed + ")").atMost(ALL_ARRIVE)
                .until(() -> arrivals.distinct() == MESSAGES);

        Lateness lateness = Lateness.of(sends, arrivals, seq -> true);
        System.out.printf("DelayIT on time (%s): sent in %d ms; %s; consumer-side duplicates %d%n", seed, sentInMs,
                lateness.summary(), arrivals.duplicates());
        assertArrivedIntact(sends, arrivals, seed);
        assertThat(lateness.earlyCount()).as("messages delivered before their due time (%s): %s", seed,
                lateness.earlySamples()).isZero();
        assertOnTime(lateness, "", seed);
        assertThat(arrivals.duplicates()).as("deliveries beyond the first, with no failure (%s)", seed).isZero();
        assertStoredOnceInTheTopic(sends, seed);
    }

    @Test
    void afterKillNineMidwayEveryDelayedMessageIsStoredInItsTopicExactlyOnceAndNoneEarly() throws Exception {
        DelayedSends sends = newSends("kill -9");
        String seed = "seed " + sends.seed();
        startServer("kill9");
        Arrivals arrivals = new Arrivals(MESSAGES);
        consumer("it-delay-crash-group", arrivals);

        long sendStartMs = System.currentTimeMillis();
        sends.sendAll(producer(), TOPIC, MAX_IN_FLIGHT);
        long sentInMs = System.currentTimeMillis() - sendStartMs;
        assertThat(sends.failures()).as("send failures (%s)", seed).isEmpty();
        // every send is acknowledged (SYNC flush: durable) before the crash, so every message must arrive
        long killTargetMs = sendStartMs + KILL_AFTER_MS;
        List<Integer> dueBeforeKill = IntStream.range(0, MESSAGES).filter(s -> sends.dueMs(s) <= killTargetMs)
                .boxed().collect(Collectors.toList());
        await("the messages due in the first " + KILL_AFTER_MS + " ms arrive (" + seed + ")").atMost(ALL_ARRIVE)
                .until(() -> dueBeforeKill.stream().allMatch(arrivals::arrived));

        server.kill9();
        long killedAtMs = System.currentTimeMillis();
        int arrivedBeforeKill = arrivals.distinct();
        server.start();
        long restartedAtMs = System.currentTimeMillis();
        await("all " + MESSAGES + " delayed messages arrive after the restart (" + seed + ")").atMost(ALL_ARRIVE)
                .until(() -> arrivals.distinct() == MESSAGES);

        Lateness all = Lateness.of(sends, arrivals, seq -> true);
        Lateness beforeKill = Lateness.of(sends, arrivals, seq -> sends.dueMs(seq) <= killTargetMs);
        Lateness afterRestart = Lateness.of(sends, arrivals, seq -> sends.dueMs(seq) >= restartedAtMs);
        System.out.printf("DelayIT kill -9 (%s): sent in %d ms, killed %d ms after sending started with %d arrived,"
                        + " down %d ms; %d due from the kill to the restart; consumer-side duplicates %d (at least once)%n"
                        + "  due before the kill: %s%n  due after the restart: %s%n", seed, sentInMs,
                killedAtMs - sendStartMs, arrivedBeforeKill, restartedAtMs - killedAtMs,
                MESSAGES - beforeKill.count() - afterRestart.count(), arrivals.duplicates(), beforeKill.summary(),
                afterRestart.summary());
        assertArrivedIntact(sends, arrivals, seed);
        assertThat(all.earlyCount()).as("messages delivered before their due time (%s): %s", seed,
                all.earlySamples()).isZero();
        assertOnTime(beforeKill, " of messages due before the kill", seed);
        assertThat(afterRestart.count()).as("messages due after the restart (%s)", seed).isPositive();
        assertOnTime(afterRestart, " of messages due after the restart", seed);
        // a consumer may get a message twice after the crash (a lost offset commit); the topic must hold it once
        assertStoredOnceInTheTopic(sends, seed);
    }

    private static DelayedSends newSends(String variant) {
        long seed = Long.getLong("tidemq.it.delay.seed", System.nanoTime());
        System.out.printf("DelayIT %s: seed %d (replay with -Dtidemq.it.delay.seed=%d)%n", variant, seed, seed);
        return new DelayedSends(seed, MESSAGES, MIN_DELAY_MS, MAX_DELAY_MS);
    }

    /** The broker re-put each message at most 1 s late, and the consumer had it soon after. */
    private static void assertOnTime(Lateness lateness, String which, String seed) {
        assertThat(lateness.maxRePutMs()).as("largest lateness%s at the broker (store time - due), ms (%s)", which,
                seed).isLessThanOrEqualTo(ON_TIME_MS);
        assertThat(lateness.maxMs()).as("largest lateness%s at the consumer, ms (%s; %s)", which, seed,
                lateness.worst()).isLessThanOrEqualTo(ON_TIME_MS + CONSUMER_TOLERANCE_MS);
    }

    /** Every message came with the unique id its send returned and without scheduling properties. */
    private static void assertArrivedIntact(DelayedSends sends, Arrivals arrivals, String seed) {
        assertThat(arrivals.violations()).as("malformed deliveries (%s)", seed).isEmpty();
        List<String> wrongIds = IntStream.range(0, MESSAGES)
                .filter(s -> !sends.uniqueId(s).equals(arrivals.uniqueId(s)))
                .mapToObj(s -> s + ": sent " + sends.uniqueId(s) + ", got " + arrivals.uniqueId(s))
                .limit(10).collect(Collectors.toList());
        assertThat(wrongIds).as("unique ids changed on the way (%s)", seed).isEmpty();
    }

    /** Reads the whole topic with a fresh group: each message at exactly one position, nothing else there. */
    private void assertStoredOnceInTheTopic(DelayedSends sends, String seed) {
        TopicAudit audit = TopicAudit.read(server.namesrvAddr(), TOPIC, clients.config("audit").build(),
                Duration.ofSeconds(60));
        assertThat(audit.storedMoreThanOnce()).as("messages stored more than once in the topic (%s)", seed).isEmpty();
        Set<String> sent = IntStream.range(0, MESSAGES).mapToObj(sends::uniqueId).collect(Collectors.toSet());
        assertThat(audit.copiesByUniqueId().keySet()).as("unique ids stored in the topic (%s)", seed)
                .isEqualTo(sent);
        Set<String> withoutSource = new HashSet<>();
        for (MessageExt m : audit.records()) {
            if (m.property(TimerRecords.SOURCE_OFFSET_PROPERTY) == null
                    || m.property(MessageConst.DELIVER_AT_MS) != null) {
                withoutSource.add(m.uniqueId());
            }
        }
        assertThat(withoutSource).as("records without TIMER_SRC or still with DELIVER_AT_MS (%s)", seed).isEmpty();
    }

    private void startServer(String name) {
        server = Standalone.builder(name, ItLogs.forClass(getClass()), tmp.resolve("data-" + name)).flush("sync")
                .build().start();
        clients = new StandaloneClients(server, tmp.resolve("offsets"));
        server.createTopic(TOPIC, QUEUES);
    }

    private Producer producer() {
        return clients.producer("it-delay-producer");
    }

    private void consumer(String group, Arrivals arrivals) {
        PushConsumer c = PushConsumer.builder(group, clients.config("consumer").build())
                .consumeFromWhere(ConsumeFromWhere.FIRST).build();
        clients.start(c, TOPIC, "*", arrivals.listener());
    }
}
