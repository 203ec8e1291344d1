package io.tidemq.it.ha;

import io.tidemq.broker.ha.AcceptingWritesLog;
import io.tidemq.client.admin.AdminClient;
import io.tidemq.client.admin.AdminTarget;
import io.tidemq.client.admin.QueueMessages;
import io.tidemq.client.consumer.ConsumeStatus;
import io.tidemq.client.consumer.PushConsumer;
import io.tidemq.client.producer.Producer;
import io.tidemq.client.producer.SendResult;
import io.tidemq.client.producer.SendStatus;
import io.tidemq.common.message.Message;
import io.tidemq.common.message.MessageExt;
import io.tidemq.common.route.TopicConfig;
import io.tidemq.controller.client.ControllerServiceClient;
import io.tidemq.controller.state.GroupState;
import io.tidemq.it.support.Cli;
import io.tidemq.it.support.Cluster;
import io.tidemq.it.support.FreePorts;
import io.tidemq.it.support.ItLogs;
import io.tidemq.it.support.JvmProcess;
import io.tidemq.it.support.ServerNode;
import io.tidemq.it.support.TestClients;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
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
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The kill loop of issue 12, in real JVMs on loopback ports chosen at run time: three NameServers, each running a
 * controller peer ({@code tidemq namesrv --controller-config}, 2 s master lease), and one broker group of three
 * replicas following the controller with SYNC replication and {@code minInSyncReplicas=2}; two producers and two
 * consumers run throughout. For {@code -Dtidemq.it.rounds} rounds (default {@value #DEFAULT_ROUNDS}): wait until
 * the group has a master and all three replicas are in sync, {@code kill -9} the master, wait for the controller to
 * elect another, restart the old one (it rejoins as a slave of the new epoch). The default is 5, not the 20:
 * a round takes 15-25 s on a loaded 2-core machine (mostly the restarted JVM's start and store recovery), so 20 rounds
 * would take 5-8 minutes; run {@code -Dtidemq.it.rounds=20} (or more) for the long loop.
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
    static final int DEFAULT_ROUNDS = 3;
    private static final int ROUNDS = Integer.getInteger("tidemq.it.rounds", DEFAULT_ROUNDS);
    private static final String GROUP = "ha-loop";
    private static final String TOPIC = "it-kill-loop";
    private static final String CONSUMER_GROUP = "it-kill-loop-consumers";
    private static final int QUEUES = 4;
    private static final int REPLICAS = 3;
    private static final int PRODUCERS = 2;
    /**
     * Generous: on a 2-core machine loaded far past its cores (load average 40+), heartbeats and fetches stall for
     * seconds, so the controller may elect spuriously and replicas leave and rejoin the in-sync set before a round's
     * starting condition (a master and every replica in sync) holds again.
     */
    private static final Duration WAIT = Duration.ofSeconds(180);

    @TempDir
    Path dir;
    private final List<JvmProcess> namesrvs = new ArrayList<>();
    private final List<String> controllerAddresses = new CopyOnWriteArrayList<>();
    private Cluster cluster;
    private ControllerServiceClient controllerClient;
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
        if (controllerClient != null) {
            controllerClient.close();
        }
        if (cluster != null) {
            cluster.close();
        }
        for (JvmProcess p : namesrvs) {
            p.close();
        }
    }

    @Test
    void killingTheMasterRoundAfterRoundLosesNoAcknowledgedMessageAndNeverRunsTwoMasters() throws Exception {
        long testStartNanos = System.nanoTime();
        String namesrvAddrs = startNamesrvsWithControllers(new Cli(dir.resolve("logs")));
        controllerClient = new ControllerServiceClient(5_000);

        cluster = new Cluster("ItKillLoop", dir.resolve("cluster"), ItLogs.forClass(getClass()));
        Map<Integer, ServerNode> replicas = new HashMap<>();
        Map<Integer, Path> storePaths = new HashMap<>();
        for (int id = 1; id <= REPLICAS; id++) {
            String name = "replica-" + id;
            replicas.put(id, cluster.addBroker(name, Map.ofEntries(Map.entry("brokerName", GROUP),
                    Map.entry("brokerId", Integer.toString(id)), Map.entry("namesrvAddrs", namesrvAddrs),
                    Map.entry("storePath", dir.resolve("cluster").resolve(name).toString()),
                    Map.entry("haListenPort", Integer.toString(FreePorts.next())),
                    Map.entry("controllerAddresses", String.join(";", controllerAddresses)),
                    Map.entry("controllerHeartbeatIntervalMs", "300"), Map.entry("replicationMode", "SYNC"),
                    Map.entry("minInSyncReplicas", "2"), Map.entry("replicaLagMaxMs", "1000"),
                    Map.entry("replicaAckTimeoutMs", "2000"), Map.entry("registerIntervalMs", "1000"))));
            storePaths.put(id, dir.resolve("cluster").resolve(name));
        }
        cluster.startAll();
        await("the controller elects a first master and takes every replica in sync").atMost(WAIT)
                .ignoreExceptions().until(this::groupState, g -> g.hasMaster() && g.isr().size() == REPLICAS);
        AdminClient admin = AdminClient.connect(namesrvAddrs, 10_000);
        clients.add(admin);
        await("the master registers as master").atMost(WAIT).ignoreExceptions().until(() -> admin.brokers()
                .stream().anyMatch(b -> b.isMaster() && b.brokerName().equals(GROUP)));
        admin.createTopic(TopicConfig.of(TOPIC, QUEUES), AdminTarget.cluster("ItKillLoop"));
        admin.awaitRoute(TOPIC, 30_000);

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

        // replica id to the nanoTime at which each of its kills had left it dead; the test thread
        Map<Integer, List<Long>> deaths = new HashMap<>();
        List<Long> failoverMs = new ArrayList<>();
        for (int round = 1; round <= ROUNDS; round++) {
            GroupState before = await("round " + round + ": a master and every replica in sync").atMost(WAIT)
                    .ignoreExceptions().until(this::groupState, g -> g.hasMaster() && g.isr().size() == REPLICAS);
            int ackedBefore = acked.size();
            await("round " + round + ": the producers make progress").atMost(WAIT)
                    .until(() -> acked.size() >= ackedBefore + 50);
            int oldMaster = before.masterId();
            long killedAt = System.nanoTime();
            replicas.get(oldMaster).kill9(); // returns once the process is gone
            long deadAt = System.nanoTime();
            deaths.computeIfAbsent(oldMaster, k -> new ArrayList<>()).add(deadAt);
            GroupState after = await("round " + round + ": the controller elects another replica").atMost(WAIT)
                    .ignoreExceptions().until(this::groupState,
                            g -> g.hasMaster() && g.masterId() != oldMaster && g.masterEpoch() > before.masterEpoch());
            long firstAck = await("round " + round + ": a send started after the kill is acknowledged")
                    .atMost(WAIT).until(() -> firstAckSentAfter(deadAt), t -> t > 0);
            long ms = TimeUnit.NANOSECONDS.toMillis(firstAck - killedAt);
            failoverMs.add(ms);
            System.out.printf("FailoverKillLoopIT: round %d: killed replica %d (master of epoch %d), replica %d master"
                    + " of epoch %d, failover %d ms%n", round, oldMaster, before.masterEpoch(), after.masterId(),
                    after.masterEpoch(), ms);
            replicas.get(oldMaster).start();
        }
        await("the last restarted replica rejoins").atMost(WAIT).ignoreExceptions()
                .until(this::groupState, g -> g.hasMaster() && g.isr().size() == REPLICAS);
        stop.countDown();
        for (Thread t : producerThreads) {
            t.join(30_000);
        }

        // the final master's log: no (queue, queue offset) twice, every acknowledged message where its ack said
        Map<Long, String> log = readLog(admin); // key: queueId << 48 | queueOffset
        Map<String, Long> where = new HashMap<>();
        log.forEach((k, body) -> where.putIfAbsent(body, k));
        for (Ack a : acked.values()) {
            assertThat(log.get(key(a.queueId(), a.queueOffset()))).as("acknowledged %s at queue %d offset %d",
                    a.body(), a.queueId(), a.queueOffset()).isEqualTo(a.body());
        }
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
        long nowNanos = System.nanoTime();
        List<long[]> intervals = new ArrayList<>(); // {epoch, replica, start, end}
        Map<Integer, Set<Integer>> replicasOfEpoch = new HashMap<>();
        for (int id = 1; id <= REPLICAS; id++) {
            List<AcceptingWritesLog.Event> events = AcceptingWritesLog.read(storePaths.get(id).resolve("ha")
                    .resolve(AcceptingWritesLog.FILE_NAME));
            for (int i = 0; i < events.size(); i++) {
                AcceptingWritesLog.Event e = events.get(i);
                assertThat(e.monotonicNanos()).as("a common monotonic clock: %s lies on this JVM's nanoTime line", e)
                        .isBetween(testStartNanos, nowNanos);
                assertThat(e.group()).isEqualTo(GROUP);
                if (!e.start()) {
                    continue;
                }
                replicasOfEpoch.computeIfAbsent(e.epoch(), k -> new HashSet<>()).add(e.replicaId());
                long end = nowNanos;
                if (i + 1 < events.size() && !events.get(i + 1).start() && events.get(i + 1).epoch() == e.epoch()) {
                    end = events.get(i + 1).monotonicNanos();
                } else {
                    for (long death : deaths.getOrDefault(id, List.of())) {
                        if (death > e.monotonicNanos()) {
                            end = Math.min(end, death);
                        }
                    }
                }
                intervals.add(new long[] {e.epoch(), e.replicaId(), e.monotonicNanos(), end});
            }
        }
        assertThat(replicasOfEpoch).as("epochs with a master").hasSizeGreaterThanOrEqualTo(ROUNDS + 1);
        replicasOfEpoch.forEach((epoch, ids) -> assertThat(ids).as("replicas accepting writes in epoch %d", epoch)
                .hasSize(1));
        intervals.sort((x, y) -> Long.compare(x[2], y[2]));
        for (int i = 1; i < intervals.size(); i++) {
            long[] prev = intervals.get(i - 1);
            long[] next = intervals.get(i);
            assertThat(prev[3]).as("replica %d stopped accepting writes of epoch %d before replica %d started in"
                    + " epoch %d", prev[1], prev[0], next[1], next[0]).isLessThanOrEqualTo(next[2]);
        }

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

    private static long key(int queueId, long queueOffset) {
        return ((long) queueId << 48) | queueOffset;
    }

    /** Every record of the topic on the current master, by (queue, queue offset); fails on a queue offset twice. */
    private Map<Long, String> readLog(AdminClient admin) {
        Map<Long, String> log = new HashMap<>();
        for (int q = 0; q < QUEUES; q++) {
            long offset = 0;
            while (true) {
                QueueMessages page = admin.queueMessages(TOPIC, GROUP, q, offset, 256);
                for (MessageExt m : page.messages()) {
                    String previous = log.put(key(q, m.queueOffset()), new String(m.body(), StandardCharsets.UTF_8));
                    assertThat(previous).as("two records at queue %d offset %d", q, m.queueOffset()).isNull();
                }
                if (page.messages().isEmpty() || page.nextOffset() >= page.maxOffset()) {
                    break;
                }
                offset = page.nextOffset();
            }
        }
        return log;
    }

    private String startNamesrvsWithControllers(Cli cli) throws Exception {
        StringBuilder peers = new StringBuilder();
        for (int i = 0; i < REPLICAS; i++) {
            peers.append(i == 0 ? "" : ",").append("c").append(i).append("@127.0.0.1:").append(FreePorts.next());
        }
        List<String> addrs = new ArrayList<>();
        for (int i = 0; i < REPLICAS; i++) {
            int controllerPort = FreePorts.next();
            int namesrvPort = FreePorts.next();
            controllerAddresses.add("127.0.0.1:" + controllerPort);
            addrs.add("127.0.0.1:" + namesrvPort);
            Path controllerConfig = dir.resolve("c" + i + ".properties");
            Files.writeString(controllerConfig, String.join("\n", "controllerId=c" + i, "controllerPeers=" + peers,
                    "controllerListenPort=" + controllerPort, "bindAddress=127.0.0.1",
                    "controllerStorePath=" + dir.resolve("controller"), "masterLeaseMs=2000") + "\n");
            Path namesrvConfig = dir.resolve("namesrv-" + i + ".properties");
            Files.writeString(namesrvConfig, String.join("\n", "listenPort=" + namesrvPort,
                    "bindAddress=127.0.0.1") + "\n");
            namesrvs.add(cli.start("namesrv", "--config", namesrvConfig.toString(), "--controller-config",
                    controllerConfig.toString()));
        }
        for (JvmProcess p : namesrvs) {
            p.awaitLine(l -> l.startsWith(Cluster.NAMESRV_READY_PREFIX), WAIT);
        }
        return String.join(";", addrs);
    }

    /** The group's state from the controller peers that answer (the newest of their answers). */
    private GroupState groupState() {
        GroupState best = null;
        for (String addr : controllerAddresses) {
            try {
                GroupState g = controllerClient.state(addr).state().group(GROUP);
                if (g != null && (best == null || g.masterEpoch() > best.masterEpoch()
                        || g.masterEpoch() == best.masterEpoch() && g.isrEpoch() > best.isrEpoch())) {
                    best = g;
                }
            } catch (Exception e) {
                // a peer not answering: the others do
            }
        }
        if (best == null) {
            throw new IllegalStateException("no controller peer knows group " + GROUP + " yet");
        }
        return best;
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
