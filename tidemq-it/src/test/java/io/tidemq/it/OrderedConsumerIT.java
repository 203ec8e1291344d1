package io.tidemq.it;

import io.tidemq.broker.config.BrokerConfig;
import io.tidemq.broker.lock.QueueLockTable;
import io.tidemq.client.ClientConfig;
import io.tidemq.client.admin.AdminClient;
import io.tidemq.client.consumer.ConsumeOrderlyStatus;
import io.tidemq.client.consumer.MessageListenerOrderly;
import io.tidemq.client.consumer.MessageModel;
import io.tidemq.client.consumer.PushConsumer;
import io.tidemq.client.producer.MessageQueueSelector;
import io.tidemq.client.producer.Producer;
import io.tidemq.client.producer.SendResult;
import io.tidemq.common.message.MessageExt;
import io.tidemq.common.message.MessageQueue;
import io.tidemq.common.names.NameValidator;
import io.tidemq.it.support.InJvmServers;
import io.tidemq.it.support.OrderedDeliveries;
import io.tidemq.it.support.TestClients;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.UnaryOperator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Ordered messages against a real broker and NameServer in this JVM: sharding-key routing, per-key order while
 * members join and leave, queue locks held by someone else, and in-place retries ending in the DLQ.
 */
class OrderedConsumerIT {

    private static final String TOPIC = "it-ordered";
    private static final int QUEUES = 8;

    @TempDir
    Path tmp;

    private InJvmServers servers;
    private final List<AutoCloseable> clients = new ArrayList<>();

    @AfterEach
    void stopAll() throws Exception {
        Collections.reverse(clients);
        for (AutoCloseable c : clients) {
            c.close();
        }
        if (servers != null) {
            servers.close();
        }
    }

    private void start(UnaryOperator<BrokerConfig.Builder> brokerKeys) {
        servers = InJvmServers.start(tmp.resolve("store"), brokerKeys);
        servers.createTopic(TOPIC, QUEUES);
    }

    private ClientConfig.Builder clientConfig(String instance) {
        return TestClients.config(servers.namesrvAddr(), instance, tmp.resolve("offsets")).lockRenewIntervalMs(500);
    }

    private Producer producer() {
        Producer p = Producer.builder("it-ordered-producer", clientConfig("producer").build()).build();
        clients.add(p);
        p.start();
        return p;
    }

    private PushConsumer orderedConsumer(String group, ClientConfig config, OrderedDeliveries deliveries,
                                         String member) {
        PushConsumer c = PushConsumer.builder(group, config).build();
        c.subscribe(TOPIC, "*");
        c.registerOrderlyListener(deliveries.listener(member));
        clients.add(c);
        c.start();
        return c;
    }

    private static String clientId(String instance) {
        return "127.0.0.1@" + ProcessHandle.current().pid() + "@" + instance;
    }

    @Test
    void sendsWithTheSameShardingKeyGoToTheSameQueue() {
        start(b -> b);
        Producer producer = producer();
        Map<Integer, Set<MessageQueue>> queuesByKey = new HashMap<>();
        for (int seq = 0; seq < 10; seq++) {
            for (int key = 0; key < 20; key++) {
                SendResult r = producer.send(OrderedDeliveries.message(TOPIC, key, seq), MessageQueueSelector.byHash(),
                        OrderedDeliveries.shardingKey(key));
                queuesByKey.computeIfAbsent(key, k -> new HashSet<>()).add(r.queue());
            }
        }

        queuesByKey.forEach((key, queues) -> assertThat(queues).as("queues of key %d", key).hasSize(1));
        Set<MessageQueue> used = new HashSet<>();
        queuesByKey.values().forEach(used::addAll);
        assertThat(used).as("20 keys spread over the topic's queues").hasSizeGreaterThan(1);
    }

    @Test
    void eachKeyIsConsumedInSendOrderWhileMembersJoinAndLeave() throws Exception {
        start(b -> b);
        String group = "it-ordered-join-leave";
        OrderedDeliveries deliveries = new OrderedDeliveries(20, 200);
        Producer producer = producer();
        PushConsumer a = orderedConsumer(group, clientConfig("a").build(), deliveries, "a");

        deliveries.send(producer, TOPIC, 4, 0, 60);
        await("a consumes the first 1200").atMost(Duration.ofSeconds(30)).until(() -> deliveries.total() >= 1_200);

        Thread rest = new Thread(() -> {
            try {
                deliveries.send(producer, TOPIC, 4, 60, 200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "it-ordered-rest");
        rest.start();
        orderedConsumer(group, clientConfig("b").build(), deliveries, "b");
        await("b takes over part of the queues").atMost(Duration.ofSeconds(30))
                .until(() -> deliveries.consumedBy("b") > 0);
        a.close();
        rest.join();
        await("all 4000 consumed").atMost(Duration.ofSeconds(60))
                .until(() -> deliveries.total() >= deliveries.expectedTotal());

        assertThat(deliveries.violations()).as("order and exclusivity violations").isEmpty();
        assertThat(deliveries.duplicated(10)).isEmpty();
        assertThat(deliveries.missing(10)).isEmpty();
        assertThat(deliveries.consumedBy("a")).isPositive();
        await("b holds every queue's lock").atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            Map<MessageQueue, QueueLockTable.LockView> locks = servers.broker().queueLockTable().locks(group);
            assertThat(locks.keySet().stream().filter(mq -> mq.topic().equals(TOPIC))).hasSize(QUEUES);
            locks.values().forEach(l -> assertThat(l.clientId()).isEqualTo(clientId("b")));
        });
    }

    @Test
    void broadcastingMembersEachConsumeEveryKeyInOrderWithoutQueueLocks() throws Exception {
        start(b -> b);
        String group = "it-ordered-broadcast";
        Map<String, OrderedDeliveries> byMember = new HashMap<>();
        for (String member : List.of("x", "y")) {
            OrderedDeliveries d = new OrderedDeliveries(8, 50);
            byMember.put(member, d);
            PushConsumer c = PushConsumer.builder(group, clientConfig(member).build())
                    .messageModel(MessageModel.BROADCASTING).build();
            c.subscribe(TOPIC, "*");
            c.registerOrderlyListener(d.listener(member));
            clients.add(c);
            c.start();
        }
        await("both members read every queue").atMost(Duration.ofSeconds(20)).until(() ->
                clients.stream().filter(PushConsumer.class::isInstance).map(PushConsumer.class::cast)
                        .allMatch(c -> c.assignment().size() == QUEUES));

        byMember.get("x").sendAll(producer(), TOPIC, 2);

        byMember.forEach((member, d) -> {
            await(member + " consumes all 400").atMost(Duration.ofSeconds(30))
                    .until(() -> d.total() >= d.expectedTotal());
            assertThat(d.violations()).as("violations of " + member).isEmpty();
            assertThat(d.duplicated(10)).isEmpty();
        });
        assertThat(servers.broker().queueLockTable().locks(group)).as("broker locks of a broadcasting group").isEmpty();
    }

    @Test
    void aQueueLockedByAnotherMemberIsConsumedOnlyAfterThatLockExpires() throws Exception {
        start(b -> b.rebalanceLockMaxLiveMs(2_000));
        String group = "it-ordered-expiry";
        String broker = servers.broker().config().brokerName();
        QueueLockTable table = servers.broker().queueLockTable();
        Set<MessageQueue> otherQueues = new HashSet<>();
        for (int q = 0; q < QUEUES; q += 2) {
            otherQueues.add(new MessageQueue(TOPIC, broker, q));
        }
        // another member holds half the queues and renews them every 200 ms from its own thread until it
        // "crashes" (the renewer stops): renewing from the test's own steps let the lease lapse whenever sending
        // took longer than the lease on a loaded machine, and the survivor then rightly took those queues
        String other = "10.9.9.9@1@other";
        table.tryLock(group, other, otherQueues);
        ScheduledExecutorService otherMember = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "it-ordered-other-member");
            t.setDaemon(true);
            return t;
        });
        clients.add(otherMember::shutdownNow);
        otherMember.scheduleWithFixedDelay(() -> table.tryLock(group, other, otherQueues), 200, 200,
                TimeUnit.MILLISECONDS);
        int keys = 16;
        int perKey = 20;
        OrderedDeliveries deliveries = new OrderedDeliveries(keys, perKey);
        Map<Integer, AtomicLong> perQueue = new ConcurrentHashMap<>();
        PushConsumer c = PushConsumer.builder(group, clientConfig("survivor").build()).build();
        c.subscribe(TOPIC, "*");
        MessageListenerOrderly recording = deliveries.listener("survivor");
        c.registerOrderlyListener((msgs, ctx) -> {
            perQueue.computeIfAbsent(ctx.queue().queueId(), q -> new AtomicLong()).addAndGet(msgs.size());
            return recording.consume(msgs, ctx);
        });
        clients.add(c);
        c.start();
        deliveries.sendAll(producer(), TOPIC, 2);
        long expectedOnFreeQueues = 0;
        for (int key = 0; key < keys; key++) {
            if (Math.floorMod(OrderedDeliveries.shardingKey(key).hashCode(), QUEUES) % 2 == 1) {
                expectedOnFreeQueues += perKey;
            }
        }
        long freeTotal = expectedOnFreeQueues;

        await("the free queues are consumed").atMost(Duration.ofSeconds(30))
                .until(() -> sum(perQueue, 1) >= freeTotal);
        otherMember.shutdownNow();
        assertThat(otherMember.awaitTermination(10, TimeUnit.SECONDS)).as("the other member stopped").isTrue();
        assertThat(sum(perQueue, 0)).as("messages consumed from queues another live member holds").isZero();

        await("the other member's queues are consumed once its lease ended").atMost(Duration.ofSeconds(30))
                .until(() -> deliveries.total() >= deliveries.expectedTotal());
        assertThat(deliveries.violations()).isEmpty();
        assertThat(deliveries.duplicated(10)).isEmpty();
        assertThat(table.locks(group).values())
                .allSatisfy(l -> assertThat(l.clientId()).isEqualTo(clientId("survivor")));
    }

    /** Messages consumed from the queues whose id has parity {@code parity}. */
    private static long sum(Map<Integer, AtomicLong> perQueue, int parity) {
        long n = 0;
        for (Map.Entry<Integer, AtomicLong> e : perQueue.entrySet()) {
            if (e.getKey() % 2 == parity) {
                n += e.getValue().get();
            }
        }
        return n;
    }

    @Test
    void aFailingMessageIsRetriedInPlaceThenDeadLetteredWithoutReorderingTheRest() throws Exception {
        start(b -> b);
        String group = "it-ordered-dlq";
        int poisonKey = 3;
        int poisonSeq = 5;
        OrderedDeliveries deliveries = new OrderedDeliveries(8, 20);
        Queue<Integer> poisonAttempts = new ConcurrentLinkedQueue<>();
        Map<Integer, Queue<Long>> offsetsByQueue = new ConcurrentHashMap<>();
        ClientConfig config = clientConfig("dlq").maxReconsumeTimes(2).suspendCurrentQueueTimeMs(100).build();
        PushConsumer c = PushConsumer.builder(group, config).build();
        c.subscribe(TOPIC, "*");
        c.registerOrderlyListener((msgs, ctx) -> {
            for (MessageExt m : msgs) {
                offsetsByQueue.computeIfAbsent(m.queueId(), q -> new ConcurrentLinkedQueue<>()).add(m.queueOffset());
                int[] ks = OrderedDeliveries.parse(m.body());
                if (ks[0] == poisonKey && ks[1] == poisonSeq) {
                    poisonAttempts.add(m.reconsumeTimes());
                    return ConsumeOrderlyStatus.SUSPEND_CURRENT_QUEUE_A_MOMENT;
                }
                deliveries.record("dlq", m);
            }
            return ConsumeOrderlyStatus.SUCCESS;
        });
        clients.add(c);
        c.start();

        deliveries.sendAll(producer(), TOPIC, 2);
        await("everything but the poison message consumed").atMost(Duration.ofSeconds(30))
                .until(() -> deliveries.total() >= deliveries.expectedTotal() - 1);

        assertThat(poisonAttempts).as("the poison message's reconsumeTimes per attempt").containsExactly(0, 1, 2);
        assertThat(deliveries.missing(10)).containsExactly(poisonKey + "/" + poisonSeq);
        assertThat(deliveries.violations()).isEmpty();
        assertThat(deliveries.duplicated(10)).isEmpty();
        offsetsByQueue.forEach((queueId, offsets) -> {
            List<Long> distinctRuns = new ArrayList<>();
            for (long o : offsets) {
                if (distinctRuns.isEmpty() || distinctRuns.get(distinctRuns.size() - 1) != o) {
                    distinctRuns.add(o);
                }
            }
            assertThat(distinctRuns).as("offsets of queue %d, retries in place collapsed", queueId).isSorted()
                    .doesNotHaveDuplicates();
        });
        try (AdminClient admin = AdminClient.connect(servers.namesrvAddr(), 5_000)) {
            String dlq = NameValidator.dlqTopic(group);
            await("the poison message is in " + dlq).atMost(Duration.ofSeconds(20)).ignoreExceptions()
                    .untilAsserted(() -> {
                        List<MessageExt> dead = admin.messagesByKey(dlq, OrderedDeliveries.shardingKey(poisonKey), 10);
                        assertThat(dead).hasSize(1);
                        assertThat(OrderedDeliveries.parse(dead.get(0).body())).containsExactly(poisonKey, poisonSeq);
                    });
        }
    }
}
