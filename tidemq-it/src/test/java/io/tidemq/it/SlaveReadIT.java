package io.tidemq.it;

import io.tidemq.client.admin.AdminClient;
import io.tidemq.client.admin.AdminTarget;
import io.tidemq.client.admin.BrokerEntry;
import io.tidemq.client.consumer.ConsumeFromWhere;
import io.tidemq.client.consumer.ConsumeStatus;
import io.tidemq.client.consumer.MessageListenerConcurrently;
import io.tidemq.client.consumer.PushConsumer;
import io.tidemq.client.producer.Producer;
import io.tidemq.client.producer.SendResult;
import io.tidemq.common.message.Message;
import io.tidemq.common.message.MessageExt;
import io.tidemq.common.protocol.body.GroupDescription;
import io.tidemq.common.protocol.body.QueueLag;
import io.tidemq.common.route.TopicConfig;
import io.tidemq.it.support.Cluster;
import io.tidemq.it.support.FreePorts;
import io.tidemq.it.support.ItLogs;
import io.tidemq.it.support.TestClients;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Reads from a slave while its master is down (issue 11), a master and a slave in separate JVMs, SYNC replication.
 * A consumer (group A) has consumed part of a backlog from the master when the master is killed with SIGKILL; it
 * goes on from the slave: every message once, none lost, no queue offset delivered twice. A second group (B),
 * started while the master is down, consumes the whole backlog from the slave alone and stops. The offsets both
 * groups committed are on the slave. The master restarts: the slave merges those offsets into it, so the master
 * holds group B's offsets (B never reached it) and group A's are at least what A consumed. Then the slave is
 * killed and new messages are sent: consumer A receives them, so it pulls from the master again.
 */
class SlaveReadIT {

    private static final String GROUP = "ha-read";
    private static final String TOPIC = "it-slave-read";
    private static final String LIVE_GROUP = "it-read-live";
    private static final String SLAVE_ONLY_GROUP = "it-read-slave-only";
    private static final int QUEUES = 4;
    private static final int BACKLOG = Integer.getInteger("tidemq.it.backlog", 400);
    /** Consumer A blocks after this many messages until the master is dead, so the rest comes from the slave. */
    private static final int BEFORE_KILL = BACKLOG / 4;
    private static final int AFTER_RETURN = 40;

    @TempDir
    Path tmp;
    private Cluster cluster;
    private final List<AutoCloseable> clients = new ArrayList<>();

    /** What each consumer received: key → how often; queue → delivered queue offsets (listener threads). */
    private static final class Received {
        final Map<String, AtomicInteger> byKey = new ConcurrentHashMap<>();
        final Map<Integer, Set<Long>> offsetsByQueue = new ConcurrentHashMap<>();
        final AtomicInteger redelivered = new AtomicInteger();

        void add(MessageExt m) {
            byKey.computeIfAbsent(m.keys().get(0), k -> new AtomicInteger()).incrementAndGet();
            if (!offsetsByQueue.computeIfAbsent(m.queueId(), q -> ConcurrentHashMap.newKeySet()).add(m.queueOffset())) {
                redelivered.incrementAndGet();
            }
        }

        int distinct() {
            return byKey.size();
        }

        /** One past the highest queue offset delivered, per queue. */
        Map<Integer, Long> ends() {
            Map<Integer, Long> ends = new TreeMap<>();
            offsetsByQueue.forEach((q, offsets) -> ends.put(q, offsets.stream().mapToLong(o -> o + 1).max().orElse(0)));
            return ends;
        }
    }

    @AfterEach
    void stopAll() throws Exception {
        for (int i = clients.size() - 1; i >= 0; i--) {
            clients.get(i).close();
        }
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void consumersReadFromTheSlaveWhileTheMasterIsDownAndTheMasterTakesTheirOffsetsBack() throws Exception {
        cluster = new Cluster("ItHaRead", tmp.resolve("cluster"), ItLogs.forClass(getClass()));
        cluster.addNamesrv("namesrv-1", Map.of());
        int haPort = FreePorts.next();
        // minInSyncReplicas=1: the master alone may take the last sends once the slave is killed at the end
        cluster.addBroker("master", Map.of("brokerName", GROUP, "haListenPort", Integer.toString(haPort),
                "replicationMode", "SYNC", "minInSyncReplicas", "1", "replicaLagMaxMs", "2000",
                "replicaAckTimeoutMs", "15000"));
        // the slave registers with the NameServer (brokerId 1), so routes list it
        cluster.addBroker("slave", Map.of("brokerName", GROUP, "brokerId", "1", "brokerRole", "SLAVE",
                "haMasterAddress", "127.0.0.1:" + haPort));
        cluster.startAll();
        AdminClient admin = AdminClient.connect(cluster.namesrvAddrs(), 10_000);
        clients.add(admin);
        await("master and slave register").atMost(Duration.ofSeconds(30)).until(() -> admin.brokers().size() == 2);
        String master = address(admin, 0);
        String slave = address(admin, 1);
        await("the slave is in sync").atMost(Duration.ofSeconds(60))
                .until(() -> "2".equals(admin.brokerRuntimeInfo(master).get("haInSyncReplicas")));
        admin.createTopic(TopicConfig.of(TOPIC, QUEUES), AdminTarget.broker(master));
        admin.awaitRoute(TOPIC, 30_000);

        Producer producer = Producer.builder("it-read-producer",
                TestClients.config(cluster.namesrvAddrs(), "producer", tmp.resolve("offsets")).build()).build();
        clients.add(producer);
        producer.start();
        send(producer, 0, BACKLOG);
        long masterEnd = Long.parseLong(admin.brokerRuntimeInfo(master).get("haMaxOffset"));
        // the slave shows records up to the commit point its master told it; the backlog is committed (SYNC)
        await("the slave knows the backlog is committed").atMost(Duration.ofSeconds(30))
                .until(() -> Long.parseLong(admin.brokerRuntimeInfo(slave).getOrDefault("haConfirmOffset", "-1"))
                        >= masterEnd);

        // group A consumes part of the backlog from the master, then blocks until the master is dead
        Received a = new Received();
        CountDownLatch masterDead = new CountDownLatch(1);
        PushConsumer consumerA = consumer(LIVE_GROUP, "consumer-a", msgs -> {
            for (MessageExt m : msgs) {
                a.add(m);
            }
            if (a.distinct() >= BEFORE_KILL) {
                try {
                    masterDead.await(60, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        });
        await("group A consumes part of the backlog from the master").atMost(Duration.ofSeconds(60))
                .until(() -> a.distinct() >= BEFORE_KILL);
        assertThat(a.distinct()).as("pulling paused well before the end of the backlog").isLessThan(BACKLOG / 2);
        long pulledFromSlaveBefore = pulled(admin, slave);

        cluster.broker("master").kill9();
        masterDead.countDown();
        await("group A consumes the rest of the backlog from the slave").atMost(Duration.ofSeconds(60))
                .until(() -> a.distinct() == BACKLOG);
        assertThat(a.redelivered.get()).as("no queue offset delivered twice to group A").isZero();
        assertThat(a.byKey.values()).as("every message once").allMatch(n -> n.get() == 1);
        assertThat(pulled(admin, slave) - pulledFromSlaveBefore).as("the slave served the pulls")
                .isGreaterThanOrEqualTo(BACKLOG - BACKLOG / 2);

        // group B only ever reaches the slave
        Received b = new Received();
        PushConsumer consumerB = consumer(SLAVE_ONLY_GROUP, "consumer-b", msgs -> msgs.forEach(b::add));
        await("group B consumes the backlog from the slave").atMost(Duration.ofSeconds(60))
                .until(() -> b.distinct() == BACKLOG);
        Map<Integer, Long> endsA = a.ends();
        Map<Integer, Long> endsB = b.ends();
        await("the slave holds group A's offsets").atMost(Duration.ofSeconds(30))
                .until(() -> atLeast(committed(admin, LIVE_GROUP, slave), endsA));
        consumerB.close();
        clients.remove(consumerB);
        await("the slave holds group B's offsets").atMost(Duration.ofSeconds(30))
                .until(() -> atLeast(committed(admin, SLAVE_ONLY_GROUP, slave), endsB));

        assertThat(Long.parseLong(admin.brokerRuntimeInfo(slave).get("unmergedConsumerOffsets")))
                .as("both groups' queues wait for the master").isGreaterThanOrEqualTo(2 * QUEUES);

        // the master returns: the slave merges the offsets committed on it
        cluster.broker("master").start();
        await("the master is back and the slave in sync").atMost(Duration.ofSeconds(60))
                .until(() -> "2".equals(admin.brokerRuntimeInfo(master).get("haInSyncReplicas")));
        await("the master holds group B's offsets, committed only on the slave").atMost(Duration.ofSeconds(30))
                .until(() -> atLeast(committed(admin, SLAVE_ONLY_GROUP, master), endsB));
        await("the master's offsets of group A are at least what A consumed").atMost(Duration.ofSeconds(30))
                .until(() -> atLeast(committed(admin, LIVE_GROUP, master), endsA));
        assertThat(cluster.broker("slave").lines()).as("the slave merged its offsets into the returned master")
                .anyMatch(l -> l.contains("were merged into master"));
        await("the slave has nothing left to merge").atMost(Duration.ofSeconds(30))
                .until(() -> "0".equals(admin.brokerRuntimeInfo(slave).get("unmergedConsumerOffsets")));

        // consumer A returns to the master: with the slave gone, new messages reach it from the master only
        cluster.broker("slave").kill9();
        // the first send waits until the dead slave leaves the in-sync set (replicaLagMaxMs), then the master
        // alone is enough (minInSyncReplicas=1)
        send(producer, BACKLOG, AFTER_RETURN);
        await("group A receives the new messages from the master").atMost(Duration.ofSeconds(60))
                .until(() -> a.distinct() == BACKLOG + AFTER_RETURN);
        assertThat(a.redelivered.get()).as("no queue offset delivered twice to group A").isZero();
        Map<Integer, Long> finalEndsA = a.ends();
        await("the master's offsets of group A cover everything it consumed").atMost(Duration.ofSeconds(30))
                .until(() -> atLeast(committed(admin, LIVE_GROUP, master), finalEndsA));
        consumerA.close();
        clients.remove(consumerA);
    }

    private PushConsumer consumer(String group, String instance, java.util.function.Consumer<List<MessageExt>> body) {
        PushConsumer consumer = PushConsumer.builder(group,
                TestClients.config(cluster.namesrvAddrs(), instance, tmp.resolve("offsets"))
                        // small prefetch: what is not consumed before the kill must be pulled from the slave
                        .pullBatchSize(4).pullThresholdForQueue(4).build())
                .consumeFromWhere(ConsumeFromWhere.FIRST).build();
        consumer.subscribe(TOPIC, "*").registerListener((MessageListenerConcurrently) (msgs, ctx) -> {
            body.accept(msgs);
            return ConsumeStatus.SUCCESS;
        });
        clients.add(consumer);
        consumer.start();
        return consumer;
    }

    private static void send(Producer producer, int from, int count) {
        for (int i = from; i < from + count; i++) {
            SendResult r = producer.send(Message.builder(TOPIC).body(("read-" + i).getBytes(StandardCharsets.UTF_8))
                    .keys("m" + i).build());
            assertThat(r.isOk()).as("send %d acknowledged", i).isTrue();
        }
    }

    private static String address(AdminClient admin, long brokerId) {
        return admin.brokers().stream().filter(b -> b.brokerId() == brokerId).map(BrokerEntry::address).findFirst()
                .orElseThrow();
    }

    private static long pulled(AdminClient admin, String addr) {
        return Long.parseLong(admin.brokerRuntimeInfo(addr).getOrDefault("pulledMessageTotal", "0"));
    }

    /** The group's committed offset per queue of the topic on the broker at {@code addr} (-1 when none). */
    private static Map<Integer, Long> committed(AdminClient admin, String group, String addr) {
        Map<Integer, Long> out = new TreeMap<>();
        try {
            for (GroupDescription d : admin.describeGroup(group, AdminTarget.broker(addr)).brokers()) {
                for (QueueLag q : d.queues()) {
                    if (q.topic().equals(TOPIC)) {
                        out.put(q.queueId(), q.consumerOffset());
                    }
                }
            }
        } catch (RuntimeException e) {
            return Map.of(); // not known there (yet)
        }
        return out;
    }

    private static boolean atLeast(Map<Integer, Long> committed, Map<Integer, Long> consumedEnds) {
        for (Map.Entry<Integer, Long> e : consumedEnds.entrySet()) {
            if (committed.getOrDefault(e.getKey(), -1L) < e.getValue()) {
                return false;
            }
        }
        return true;
    }
}
