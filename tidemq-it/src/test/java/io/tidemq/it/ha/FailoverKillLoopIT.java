package io.tidemq.it.ha;

import io.tidemq.client.consumer.ConsumeStatus;
import io.tidemq.client.consumer.PushConsumer;
import io.tidemq.client.producer.Producer;
import io.tidemq.client.producer.SendResult;
import io.tidemq.client.producer.SendStatus;
import io.tidemq.common.message.Message;
import io.tidemq.common.message.MessageExt;
import io.tidemq.controller.state.GroupState;
import io.tidemq.it.support.ControlledGroup;
import io.tidemq.it.support.ServerNode;
import io.tidemq.it.support.TestClients;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static io.tidemq.it.support.ControlledGroup.key;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The kill loop of issue 12, in real JVMs on loopback ports chosen at run time: three NameServers, each running a
 * controller peer ({@code tidemq namesrv --controller-config}, 2 s master lease), and one broker group of three
 * replicas following the controller with SYNC replication and {@code minInSyncReplicas=2}; two producers and two
 * consumers run throughout. For {@code -Dtidemq.it.rounds} rounds (default {@value #DEFAULT_ROUNDS}): wait until
 * the group has a master and all three replicas are in sync, {@code kill -9} the master, wait for the controller to
 * elect another, restart the old one (it rejoins as a slave of the new epoch). A round waits for nothing it does not
 * need: the old master restarts as soon as another is elected (its start overlaps the producers' way to the new
 * master), the replicas run C1 only ({@link ServerNode#QUICK_START_JVM_ARGS}: the restart is the longest step) and
 * the producers pause 2 ms between sends (a flat-out stream starves the restarting JVM on 2 cores). Run
 * {@code -Dtidemq.it.rounds=100} (or more) for a long loop.
 *
 * <p>Checked at the end: every acknowledged message is in the final master's log at the queue offset its
 * acknowledgement named, and was delivered to the consumers; every consumed message is in the final log at the
 * queue offset it was consumed from (no consumed message was cut later); no two records of the final log share a
 * (topic, queue, queue offset); from every replica's {@code ha/accepting-writes.log}: one replica per (group,
 * epoch), and the intervals in which replicas accepted writes in different epochs never overlap (a killed replica's
 * interval ends when its process is dead; the files' CLOCK_MONOTONIC stamps are checked to lie on this JVM's
 * {@code System.nanoTime()} line). The failover time of each round (from the kill to the acknowledgement of the first
 * send started once the old master was dead) is printed with p50/p99/max.
 */
class FailoverKillLoopIT {
    static final int DEFAULT_ROUNDS = 20;
    private static final int ROUNDS = Integer.getInteger("tidemq.it.rounds", DEFAULT_ROUNDS);
    private static final String GROUP = "ha-loop";
    private static final String TOPIC = "it-kill-loop";
    private static final String CONSUMER_GROUP = "it-kill-loop-consumers";
    private static final int QUEUES = 4;
    private static final int REPLICAS = 3;
    private static final int PRODUCERS = 2;
    /** A pause between two sends of one producer (at most some hundred sends a second each). */
    private static final long SEND_PAUSE_MS = 2;
    /**
     * Generous: on a 2-core machine loaded far past its cores (load average 40+), heartbeats and fetches stall for
     * seconds, so the controller may elect spuriously and replicas leave and rejoin the in-sync set before a round's
     * starting condition (a master and every replica in sync) holds again.
     */
    private static final Duration WAIT = Duration.ofSeconds(180);

    @TempDir
    Path dir;
    private ControlledGroup group;
    private final List<AutoCloseable> clients = new ArrayList<>();
    private final CountDownLatch stop = new CountDownLatch(1);
    private final List<Thread> producerThreads = new ArrayList<>();

    /** An acknowledged send; written by the producer threads. */
    private record Ack(String body, int queueId, long queueOffset, long startNanos, long ackNanos) {
    }

    /** A delivery as a consumer saw it; written by the consumers' threads. */
    private record Consumed(String body, int queueId, long queueOffset) {
    }

    private final Map<String, Ack> acked = new ConcurrentHashMap<>();
    private final Set<Consumed> consumed = ConcurrentHashMap.newKeySet();
    private final AtomicInteger failedSends = new AtomicInteger();

    @AfterEach
    void stopAll() throws Exception {
        stop.countDown();
        for (Thread t : producerThreads) {
            t.join(30_000);
        }
        for (int i = clients.size() - 1; i >= 0; i--) {
            clients.get(i).close();
        }
        if (group != null) {
            group.close();
        }
    }

    @Test
    void killingTheMasterRoundAfterRoundLosesNoAcknowledgedMessageAndNeverRunsTwoMasters() throws Exception {
        group = new ControlledGroup(getClass(), dir, "ItKillLoop", GROUP, 2_000, WAIT).startNamesrvsWithControllers();
        String namesrvAddrs = group.namesrvAddrs();
        for (int id = 1; id <= REPLICAS; id++) {
            group.addReplica(id, Map.of("minInSyncReplicas", "2"), ServerNode.QUICK_START_JVM_ARGS);
        }
        group.startReplicas();
        group.awaitMasterWithInSync("the controller elects a first master and takes every replica in sync", REPLICAS);
        group.createTopic(TOPIC, QUEUES, "ItKillLoop");

        for (int c = 0; c < 2; c++) {
            PushConsumer consumer = PushConsumer.builder(CONSUMER_GROUP, TestClients.config(namesrvAddrs,
                    "consumer-" + c, dir.resolve("offsets-" + c)).build()).build();
            consumer.subscribe(TOPIC, "*");
            consumer.registerListener((msgs, context) -> {
                for (MessageExt m : msgs) {
                    consumed.add(new Consumed(new String(m.body(), StandardCharsets.UTF_8), m.queueId(),
                            m.queueOffset()));
                }
                return ConsumeStatus.SUCCESS;
            });
            clients.add(consumer);
            consumer.start();
        }
        for (int p = 0; p < PRODUCERS; p++) {
            Producer producer = Producer.builder("it-kill-loop-producer", TestClients.config(namesrvAddrs,
                    "producer-" + p, dir.resolve("producer-offsets")).build()).build();
            clients.add(producer);
            producer.start();
            int id = p;
            Thread t = new Thread(() -> produce(producer, "p" + id + "-"), "it-kill-loop-producer-" + p);
            producerThreads.add(t);
            t.start();
        }

        List<Long> failoverMs = new ArrayList<>();
        for (int round = 1; round <= ROUNDS; round++) {
            long roundStart = System.nanoTime();
            GroupState before = group.awaitMasterWithInSync("round " + round + ": a master and every replica in sync",
                    REPLICAS);
            long readyAt = System.nanoTime();
            int ackedBefore = acked.size();
            await("round " + round + ": the producers make progress").atMost(WAIT)
                    .until(() -> acked.size() >= ackedBefore + 50);
            int oldMaster = before.masterId();
            long killedAt = System.nanoTime();
            long deadAt = group.kill9(oldMaster);
            GroupState after = group.awaitNewMaster("round " + round + ": the controller elects another replica",
                    before);
            long electedAt = System.nanoTime();
            // the old master restarts as soon as another is elected: its start (the longest step of a round) overlaps
            // the producers' way to the new master; acknowledgements carry their own times, so nothing is lost by
            // looking for the first one after the kill only once the restart returned
            group.replica(oldMaster).start();
            long restartedAt = System.nanoTime();
            long firstAck = await("round " + round + ": a send started after the kill is acknowledged")
                    .atMost(WAIT).until(() -> firstAckSentAfter(deadAt), t -> t > 0);
            long ms = TimeUnit.NANOSECONDS.toMillis(firstAck - killedAt);
            failoverMs.add(ms);
            System.out.printf("FailoverKillLoopIT: round %d: killed replica %d (master of epoch %d), replica %d master"
                    + " of epoch %d, failover %d ms; phases: all in sync %d ms, kill to elected %d ms, restart %d ms%n",
                    round, oldMaster, before.masterEpoch(), after.masterId(), after.masterEpoch(), ms,
                    TimeUnit.NANOSECONDS.toMillis(readyAt - roundStart),
                    TimeUnit.NANOSECONDS.toMillis(electedAt - killedAt),
                    TimeUnit.NANOSECONDS.toMillis(restartedAt - electedAt));
        }
        group.awaitMasterWithInSync("the last restarted replica rejoins", REPLICAS);
        stop.countDown();
        for (Thread t : producerThreads) {
            t.join(30_000);
        }

        // the final master's log: no (queue, queue offset) twice, every acknowledged message where its ack said
        // (an acknowledgement can come before the master's dispatcher indexed the record the queues are read through)
        Map<Long, String> log = new HashMap<>();
        await("every acknowledged message is in the final master's log").atMost(WAIT).untilAsserted(() -> {
            log.clear();
            log.putAll(group.readTopic(TOPIC, QUEUES));
            for (Ack a : acked.values()) {
                assertThat(log.get(key(a.queueId(), a.queueOffset()))).as("acknowledged %s at queue %d offset %d",
                        a.body(), a.queueId(), a.queueOffset()).isEqualTo(a.body());
            }
        });
        await("every acknowledged message is delivered").atMost(WAIT).untilAsserted(() -> {
            Set<String> delivered = new HashSet<>();
            consumed.forEach(c -> delivered.add(c.body()));
            assertThat(delivered).containsAll(acked.keySet());
        });
        for (Consumed c : consumed) {
            assertThat(log.get(key(c.queueId(), c.queueOffset()))).as("consumed %s at queue %d offset %d is still"
                    + " there", c.body(), c.queueId(), c.queueOffset()).isEqualTo(c.body());
        }

        // never two masters: one replica per epoch, accepting intervals of different epochs never overlap
        group.auditAcceptingWrites(ROUNDS + 1);

        List<Long> sorted = new ArrayList<>(failoverMs);
        Collections.sort(sorted);
        System.out.printf("FailoverKillLoopIT: %d rounds, failover p50 %d ms, p99 %d ms, max %d ms; %d acknowledged,"
                        + " %d distinct consumed, %d failed sends, %d records in the final log%n", ROUNDS,
                percentile(sorted, 50), percentile(sorted, 99), sorted.get(sorted.size() - 1), acked.size(),
                consumed.stream().map(Consumed::body).distinct().count(), failedSends.get(), log.size());
    }

    private static long percentile(List<Long> sorted, int p) {
        int index = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, index)));
    }

    /** The earliest acknowledgement of a send started after {@code nanos}, or 0 when none yet. */
    private long firstAckSentAfter(long nanos) {
        return acked.values().stream().filter(a -> a.startNanos() > nanos).mapToLong(Ack::ackNanos).min().orElse(0L);
    }

    private void produce(Producer producer, String prefix) {
        int i = 0;
        while (stop.getCount() > 0) {
            String body = prefix + i++;
            long start = System.nanoTime();
            try {
                SendResult r = producer.send(Message.builder(TOPIC).body(body.getBytes(StandardCharsets.UTF_8))
                        .build());
                if (r.status() == SendStatus.SEND_OK) {
                    acked.put(body, new Ack(body, r.queue().queueId(), r.queueOffset(), start, System.nanoTime()));
                } else {
                    failedSends.incrementAndGet();
                }
                // a steady stream, not a flood: on 2 cores a flat-out producer would starve the restarting JVM
                stop.await(SEND_PAUSE_MS, TimeUnit.MILLISECONDS);
            } catch (InterruptedException interrupted) {
                return;
            } catch (RuntimeException e) {
                failedSends.incrementAndGet();
                try {
                    stop.await(5, TimeUnit.MILLISECONDS); // a pause between failed sends, not a wait for a condition
                } catch (InterruptedException interrupted) {
                    return;
                }
            }
        }
    }
}
