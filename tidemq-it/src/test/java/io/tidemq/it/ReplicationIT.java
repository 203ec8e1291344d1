package io.tidemq.it;

import io.tidemq.client.admin.AdminClient;
import io.tidemq.client.admin.AdminTarget;
import io.tidemq.client.producer.Producer;
import io.tidemq.client.consumer.ConsumeStatus;
import io.tidemq.client.consumer.MessageListenerConcurrently;
import io.tidemq.client.consumer.PushConsumer;
import io.tidemq.client.producer.SendResult;
import io.tidemq.client.transaction.LocalTransactionState;
import io.tidemq.client.transaction.TransactionListener;
import io.tidemq.client.transaction.TransactionProducer;
import io.tidemq.client.transaction.TransactionSendResult;
import io.tidemq.common.message.MessageExt;
import io.tidemq.common.message.Message;
import io.tidemq.common.route.TopicConfig;
import io.tidemq.it.support.Cluster;
import io.tidemq.it.support.FreePorts;
import io.tidemq.it.support.ItLogs;
import io.tidemq.it.support.TestClients;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A master and two slaves of one broker group in separate JVMs, SYNC replication with minInSyncReplicas=2. A
 * mixed workload (single, batch and delayed messages, so also the timer's re-puts) is acknowledged; a slave is
 * killed with SIGKILL in the middle and restarted; then transactions (committed and rolled back) and retried
 * messages (a consumer fails some deliveries: send-back copies, parked in the timer, re-put) add the broker's own
 * puts; at the end both slaves' CommitLogs equal the master's byte for byte, and the restarted slave repeated the handshake and caught up. Then the other slave's disk is wiped:
 * it comes back with a new store UUID, copies the whole log again and rejoins the in-sync set.
 */
class ReplicationIT {

    private static final String GROUP = "ha-group";
    private static final String TOPIC = "it-replication";
    private static final int FILE_BYTES = 1 << 20;

    @TempDir
    Path tmp;
    private Cluster cluster;
    private final List<AutoCloseable> clients = new ArrayList<>();

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
    void slavesHoldTheMastersLogByteForByteThroughAKillAndRestart() throws Exception {
        cluster = new Cluster("ItHa", tmp.resolve("cluster"), ItLogs.forClass(getClass()));
        cluster.addNamesrv("namesrv-1", Map.of());
        int haPort = FreePorts.next();
        Map<String, String> masterKeys = new java.util.HashMap<>(Map.of("brokerName", GROUP,
                "haListenPort", Integer.toString(haPort), "replicationMode", "SYNC", "minInSyncReplicas", "2",
                "replicaLagMaxMs", "2000", "replicaAckTimeoutMs", "15000",
                "commitLogFileBytes", Integer.toString(FILE_BYTES), "timerPrecisionMs", "100",
                "maxMessageBytes", "65536"));
        masterKeys.put("retryBackoffSchedule", "1s 1s 2s");
        masterKeys.put("transactionCheckIntervalMs", "1000");
        cluster.addBroker("ha-master", masterKeys);
        for (int id = 1; id <= 2; id++) {
            // slaves do not register: clients only ever reach the master
            cluster.addBroker("ha-slave-" + id, Map.of("brokerName", GROUP, "brokerId", Integer.toString(id),
                    "brokerRole", "SLAVE", "haMasterAddress", "127.0.0.1:" + haPort, "namesrvAddrs", "",
                    "commitLogFileBytes", Integer.toString(FILE_BYTES), "timerPrecisionMs", "100", "maxMessageBytes", "65536"));
        }
        cluster.startAll();
        try (AdminClient admin = AdminClient.connect(cluster.namesrvAddrs(), 10_000)) {
            await("the master registers").atMost(Duration.ofSeconds(30)).until(() -> admin.brokers().size() == 1);
            admin.createTopic(TopicConfig.of(TOPIC, 4), AdminTarget.cluster("ItHa"));
            admin.awaitRoute(TOPIC, 30_000);
            String master = admin.brokers().get(0).address();
            await("both slaves are in sync").atMost(Duration.ofSeconds(60))
                    .until(() -> "3".equals(admin.brokerRuntimeInfo(master).get("haInSyncReplicas")));
            for (String slave : List.of("ha-slave-1", "ha-slave-2")) {
                await(slave + " holds the topic").atMost(Duration.ofSeconds(30))
                        .until(() -> configFile(slave, "topics.json").contains("\"" + TOPIC + "\""));
            }

            Producer producer = Producer.builder("it-ha-producer",
                    TestClients.config(cluster.namesrvAddrs(), "producer", tmp.resolve("offsets")).build()).build();
            clients.add(producer);
            producer.start();
            List<SendResult> acked = new ArrayList<>();
            sendMixed(producer, 0, 300, acked);
            cluster.broker("ha-slave-1").kill9();
            sendMixed(producer, 300, 300, acked); // slave 2 keeps the set at 2: sends go on
            cluster.broker("ha-slave-1").start();
            sendMixed(producer, 600, 300, acked);
            assertThat(acked).as("every single and batch send acknowledged").hasSize(900 + 90);

            // transactions (halves, op records, the committed copies) and retries (send-back copies in the retry
            // topic, parked in the timer and re-put): every one of these is a put of the broker itself, through
            // the same replication gate
            TransactionProducer transactions = TransactionProducer.builder("it-ha-tx",
                    TestClients.config(cluster.namesrvAddrs(), "tx", tmp.resolve("offsets")).build())
                    .listener(new CommitEvenRollBackOdd()).build();
            clients.add(transactions);
            transactions.start();
            int committed = 0;
            for (int i = 0; i < 20; i++) {
                TransactionSendResult tx = transactions.sendMessageInTransaction(Message.builder(TOPIC)
                        .body(("tx-" + i).getBytes(StandardCharsets.UTF_8)).keys("tx" + i).build(), i);
                assertThat(tx.sendResult().isOk()).as("half %d acknowledged", i).isTrue();
                committed += i % 2 == 0 ? 1 : 0;
            }
            Set<String> retried = ConcurrentHashMap.newKeySet();
            Set<String> redelivered = ConcurrentHashMap.newKeySet();
            PushConsumer consumer = PushConsumer.builder("it-ha-retry",
                    TestClients.config(cluster.namesrvAddrs(), "consumer", tmp.resolve("offsets")).build()).build();
            consumer.subscribe(TOPIC, "*").registerListener((MessageListenerConcurrently) (msgs, ctx) -> {
                MessageExt m = msgs.get(0);
                String key = m.keys().isEmpty() ? "" : m.keys().get(0);
                if (!(key.startsWith("k") && key.endsWith("3") || key.startsWith("tx"))) {
                    return ConsumeStatus.SUCCESS;
                }
                if (m.reconsumeTimes() > 0) {
                    redelivered.add(key);
                    return ConsumeStatus.SUCCESS;
                }
                retried.add(key);
                return ConsumeStatus.RETRY;
            });
            clients.add(consumer);
            consumer.start();
            int committedTx = committed;
            await("committed transactions arrive and are retried once").atMost(Duration.ofSeconds(90))
                    .until(() -> retried.stream().filter(k -> k.startsWith("tx")).count() == committedTx);
            await("every failed delivery comes back from the retry topic").atMost(Duration.ofSeconds(90))
                    .until(() -> retried.size() >= 90 + committedTx && redelivered.containsAll(retried));
            assertThat(retried).as("rolled-back transactions are never delivered")
                    .noneMatch(k -> k.startsWith("tx") && Integer.parseInt(k.substring(2)) % 2 == 1);
            for (String slave : List.of("ha-slave-1", "ha-slave-2")) {
                await(slave + " holds the group's offsets").atMost(Duration.ofSeconds(30))
                        .until(() -> configFile(slave, "consumerOffsets.json").contains("it-ha-retry"));
            }

            await("the restarted slave is back in the in-sync set").atMost(Duration.ofSeconds(60))
                    .until(() -> "3".equals(admin.brokerRuntimeInfo(master).get("haInSyncReplicas")));
            Map<String, String> info = admin.brokerRuntimeInfo(master);
            assertThat(info).containsEntry("haRole", "MASTER").containsKeys("haReplica.1.lagBytes",
                    "haReplica.2.lagBytes");
            long end = Long.parseLong(info.get("haMaxOffset"));
            assertThat(end).as("the workload spans several CommitLog files").isGreaterThan(FILE_BYTES);
            // delayed messages come due and are re-put by the master; then everything is quiet and replicated
            await("the master's log stops growing").atMost(Duration.ofSeconds(60)).until(() -> {
                long before = Long.parseLong(admin.brokerRuntimeInfo(master).get("haMaxOffset"));
                return "0".equals(admin.brokerRuntimeInfo(master).get("timerScheduled"))
                        && before == Long.parseLong(admin.brokerRuntimeInfo(master).get("haConfirmOffset"));
            });
            long finalEnd = Long.parseLong(admin.brokerRuntimeInfo(master).get("haMaxOffset"));
            for (String slave : List.of("ha-slave-1", "ha-slave-2")) {
                await(slave + " holds the master's log byte for byte").atMost(Duration.ofSeconds(60))
                        .until(() -> sameLog("ha-master", slave, finalEnd));
            }

            // the timer and transaction progress reached the slaves: the master's transactionProgress.json, and the
            // timer progress the master published once its delayed messages were delivered (issue 11)
            long quietAtMs = System.currentTimeMillis();
            for (String slave : List.of("ha-slave-1", "ha-slave-2")) {
                await(slave + " holds the master's transaction progress").atMost(Duration.ofSeconds(30))
                        .until(() -> !configFile(slave, "transactionProgress.json").isEmpty() && configFile(slave,
                                "transactionProgress.json").equals(configFile("ha-master", "transactionProgress.json")));
                await(slave + " holds the master's timer progress").atMost(Duration.ofSeconds(30))
                        .until(() -> timerCursorOf(slave) >= quietAtMs - 60_000);
            }

            // a slave whose disk is wiped comes back with a new store UUID and copies the whole log again
            String uuidBefore = admin.brokerRuntimeInfo(master).get("haReplica.2.storeUuid");
            cluster.broker("ha-slave-2").kill9();
            deleteTree(tmp.resolve("cluster").resolve("ha-slave-2"));
            cluster.broker("ha-slave-2").start();
            await("the wiped slave re-syncs from scratch").atMost(Duration.ofSeconds(60))
                    .until(() -> sameLog("ha-master", "ha-slave-2", finalEnd));
            await("the wiped slave is known by its new store").atMost(Duration.ofSeconds(30)).until(() -> {
                Map<String, String> now = admin.brokerRuntimeInfo(master);
                return !uuidBefore.equals(now.get("haReplica.2.storeUuid")) && "3".equals(now.get("haInSyncReplicas"));
            });
        }
        assertThat(cluster.broker("ha-slave-1").lines()).filteredOn(l -> l.contains("handshake with master"))
                .as("the restarted slave repeated the handshake").isNotEmpty();
    }

    /** Commits even transactions, rolls back odd ones (the argument is the index). */
    private static final class CommitEvenRollBackOdd implements TransactionListener {
        @Override
        public LocalTransactionState executeLocalTransaction(Message msg, Object arg) {
            return (Integer) arg % 2 == 0 ? LocalTransactionState.COMMIT : LocalTransactionState.ROLLBACK;
        }

        @Override
        public LocalTransactionState checkLocalTransaction(MessageExt msg) {
            return Integer.parseInt(msg.keys().get(0).substring(2)) % 2 == 0 ? LocalTransactionState.COMMIT
                    : LocalTransactionState.ROLLBACK;
        }
    }

    private static void sendMixed(Producer producer, int from, int count, List<SendResult> acked) {
        for (int i = from; i < from + count; i++) {
            byte[] body = ("message-" + i + "-" + "x".repeat(i * 131 % 3000)).getBytes(StandardCharsets.UTF_8);
            Message.Builder message = Message.builder(TOPIC).body(body).keys("k" + i);
            if (i % 50 == 7) {
                message.delayMs(1_000);
            }
            acked.add(producer.send(message.build()));
            if (i % 10 == 0) {
                List<Message> batch = new ArrayList<>();
                for (int j = 0; j < 5; j++) {
                    batch.add(Message.builder(TOPIC).body(("batch-" + i + "-" + j).getBytes(StandardCharsets.UTF_8))
                            .build());
                }
                acked.add(producer.send(batch));
            }
        }
    }

    private String configFile(String node, String name) {
        Path file = tmp.resolve("cluster").resolve(node).resolve("config").resolve(name);
        try {
            return Files.exists(file) ? Files.readString(file) : "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The delivered cursor of the timer progress a slave copied from its master, or -1 without one. */
    private long timerCursorOf(String node) {
        Path file = tmp.resolve("cluster").resolve(node).resolve("timerReplicatedProgress.json");
        try {
            if (!Files.exists(file)) {
                return -1;
            }
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("\"deliveredCursorMs\"\\s*:\\s*(\\d+)")
                    .matcher(Files.readString(file));
            return m.find() ? Long.parseLong(m.group(1)) : -1;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void deleteTree(Path root) throws IOException {
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    /** The slave's CommitLog files equal the master's over [0, end) (files wholly past the end are ignored). */
    private boolean sameLog(String masterNode, String slaveNode, long end) {
        Path masterDir = tmp.resolve("cluster").resolve(masterNode).resolve("commitlog");
        Path slaveDir = tmp.resolve("cluster").resolve(slaveNode).resolve("commitlog");
        try (Stream<Path> files = Files.list(masterDir)) {
            for (Path file : files.filter(f -> Long.parseLong(f.getFileName().toString()) < end).toList()) {
                Path copy = slaveDir.resolve(file.getFileName());
                if (!Files.exists(copy)) {
                    return false;
                }
                long fileFrom = Long.parseLong(file.getFileName().toString());
                int length = (int) Math.min(FILE_BYTES, end - fileFrom);
                byte[] a = Arrays.copyOf(Files.readAllBytes(file), length);
                byte[] b = Arrays.copyOf(Files.readAllBytes(copy), length);
                if (!Arrays.equals(a, b)) {
                    return false;
                }
            }
            return true;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
