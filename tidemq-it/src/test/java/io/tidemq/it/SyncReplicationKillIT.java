package io.tidemq.it;

import io.tidemq.client.SendFailedException;
import io.tidemq.client.admin.AdminClient;
import io.tidemq.client.admin.AdminTarget;
import io.tidemq.client.producer.Producer;
import io.tidemq.client.producer.SendResult;
import io.tidemq.client.producer.SendStatus;
import io.tidemq.common.message.Message;
import io.tidemq.common.message.MessageId;
import io.tidemq.common.protocol.ResponseCode;
import io.tidemq.common.route.TopicConfig;
import io.tidemq.it.support.Cluster;
import io.tidemq.it.support.FreePorts;
import io.tidemq.it.support.ItLogs;
import io.tidemq.it.support.TestClients;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * SYNC replication with {@code minInSyncReplicas=2}, a master and two slaves in separate JVMs, a producer sending
 * without pause. For {@code -Dtidemq.it.rounds} rounds (20 by default) a slave, and every fifth round both, is
 * killed with SIGKILL after a random number of acknowledgements, and restarted. A poller samples the master's
 * in-sync set every 20 ms. Checked:
 * <ul>
 *   <li>right after each kill, every message acknowledged while the killed slave was in sync (sampled in sync just
 *       before the send and just after its acknowledgement) is in the dead slave's CommitLog, byte for byte equal
 *       to the master's copy;</li>
 *   <li>no send is acknowledged while the master alone was in sync (sampled alone just before the send and just
 *       after its acknowledgement, with no sample of more in between); while both slaves are down sends are
 *       refused with IN_SYNC_REPLICAS_NOT_ENOUGH;</li>
 *   <li>at the end every acknowledged message is in the master's CommitLog, and both slaves' CommitLogs equal the
 *       master's.</li>
 * </ul>
 */
class SyncReplicationKillIT {

    private static final String GROUP = "ha-kill";
    private static final String TOPIC = "it-sync-kill";
    private static final int FILE_BYTES = 1 << 20;
    private static final int ROUNDS = Integer.getInteger("tidemq.it.rounds", 20);

    /** One acknowledged send: when it left and came back (nanoTime) and where the master stored it. */
    private record Ack(long sentNs, long ackedNs, long physicalOffset, String key) {
    }

    /** The master's in-sync set at one moment. */
    private record Sample(long atNs, Set<Integer> inSyncSlaves) {
    }

    @TempDir
    Path tmp;
    private Cluster cluster;
    private final List<AutoCloseable> clients = new ArrayList<>();
    private final List<Ack> acks = new CopyOnWriteArrayList<>();
    private final List<Sample> samples = new CopyOnWriteArrayList<>();
    private final AtomicInteger refusedNotEnough = new AtomicInteger();
    private final AtomicInteger otherFailures = new AtomicInteger();
    private final CountDownLatch stop = new CountDownLatch(1);
    private final List<Thread> threads = new ArrayList<>();
    /** Acknowledged messages found on a slave right after its kill; test thread only. */
    private int checkedOnDeadSlaves;

    @AfterEach
    void stopAll() throws Exception {
        stop.countDown();
        for (Thread t : threads) {
            t.join(30_000);
        }
        for (int i = clients.size() - 1; i >= 0; i--) {
            clients.get(i).close();
        }
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void everyAcknowledgedMessageIsOnEverySlaveInSyncWhenItWasAcknowledged() throws Exception {
        cluster = new Cluster("ItHaKill", tmp.resolve("cluster"), ItLogs.forClass(getClass()));
        cluster.addNamesrv("namesrv-1", Map.of());
        int haPort = FreePorts.next();
        cluster.addBroker("master", Map.of("brokerName", GROUP, "haListenPort", Integer.toString(haPort),
                "replicationMode", "SYNC", "minInSyncReplicas", "2", "replicaLagMaxMs", "1000",
                "replicaAckTimeoutMs", "2000", "commitLogFileBytes", Integer.toString(FILE_BYTES),
                "maxMessageBytes", "65536"));
        for (int id = 1; id <= 2; id++) {
            cluster.addBroker("slave-" + id, Map.of("brokerName", GROUP, "brokerId", Integer.toString(id),
                    "brokerRole", "SLAVE", "haMasterAddress", "127.0.0.1:" + haPort, "namesrvAddrs", "",
                    "commitLogFileBytes", Integer.toString(FILE_BYTES), "maxMessageBytes", "65536"));
        }
        cluster.startAll();
        AdminClient admin = AdminClient.connect(cluster.namesrvAddrs(), 10_000);
        clients.add(admin);
        await("the master registers").atMost(Duration.ofSeconds(30)).until(() -> admin.brokers().size() == 1);
        admin.createTopic(TopicConfig.of(TOPIC, 4), AdminTarget.cluster("ItHaKill"));
        admin.awaitRoute(TOPIC, 30_000);
        String master = admin.brokers().get(0).address();
        await("both slaves are in sync").atMost(Duration.ofSeconds(60))
                .until(() -> "3".equals(admin.brokerRuntimeInfo(master).get("haInSyncReplicas")));

        Producer producer = Producer.builder("it-ha-kill-producer",
                TestClients.config(cluster.namesrvAddrs(), "producer", tmp.resolve("offsets")).build()).build();
        clients.add(producer);
        producer.start();
        AdminClient pollAdmin = AdminClient.connect(cluster.namesrvAddrs(), 10_000);
        clients.add(pollAdmin);
        startThread("it-isr-poller", () -> poll(pollAdmin, master));
        startThread("it-producer", () -> produce(producer));

        Random random = new Random(Long.getLong("tidemq.it.seed", System.nanoTime()));
        for (int round = 0; round < ROUNDS; round++) {
            int target = acks.size() + 5 + random.nextInt(40);
            await("round " + round + ": acknowledgements before the kill").atMost(Duration.ofSeconds(60))
                    .until(() -> acks.size() >= target);
            List<Integer> victims = round % 5 == 4 ? List.of(1, 2) : List.of(1 + random.nextInt(2));
            for (int id : victims) {
                cluster.broker("slave-" + id).kill9();
                long killedNs = System.nanoTime();
                assertDeadSlaveHoldsWhatWasAckedWhileInSync(id, killedNs);
            }
            if (victims.size() == 2) {
                int refusedBefore = refusedNotEnough.get();
                await("round " + round + ": sends are refused with both slaves down").atMost(Duration.ofSeconds(30))
                        .until(() -> refusedNotEnough.get() > refusedBefore);
            }
            for (int id : victims) {
                cluster.broker("slave-" + id).start();
            }
        }
        await("both slaves are back in sync").atMost(Duration.ofSeconds(60))
                .until(() -> "3".equals(admin.brokerRuntimeInfo(master).get("haInSyncReplicas")));
        stop.countDown();
        for (Thread t : threads) {
            t.join(30_000);
        }

        assertThat(acks).as("sends were acknowledged").hasSizeGreaterThan(ROUNDS * 5);
        assertThat(refusedNotEnough.get()).as("sends refused while the master alone was in sync").isPositive();
        assertNoAckWhileAlone();
        assertThat(checkedOnDeadSlaves).as("acknowledged messages checked on killed slaves").isPositive();
        await("everything is committed").atMost(Duration.ofSeconds(60)).until(() -> {
            Map<String, String> info = admin.brokerRuntimeInfo(master);
            return info.get("haMaxOffset").equals(info.get("haConfirmOffset"));
        });
        long end = Long.parseLong(admin.brokerRuntimeInfo(master).get("haMaxOffset"));
        for (Ack ack : acks) {
            assertThat(recordKey(node("master"), ack.physicalOffset())).as("acknowledged message at %d on the master",
                    ack.physicalOffset()).isEqualTo(ack.key());
        }
        for (int id = 1; id <= 2; id++) {
            int slave = id;
            await("slave " + id + " holds the master's log byte for byte").atMost(Duration.ofSeconds(60))
                    .until(() -> sameRange(node("master"), node("slave-" + slave), 0, end));
        }
    }

    private void startThread(String name, Runnable body) {
        Thread t = new Thread(body, name);
        t.setDaemon(true);
        threads.add(t);
        t.start();
    }

    private void poll(AdminClient admin, String master) {
        while (stop.getCount() > 0) {
            try {
                long before = System.nanoTime();
                Map<String, String> info = admin.brokerRuntimeInfo(master);
                Set<Integer> inSync = new TreeSet<>();
                for (int id = 1; id <= 2; id++) {
                    if ("true".equals(info.get("haReplica." + id + ".inSync"))) {
                        inSync.add(id);
                    }
                }
                // the state held somewhere between before and now: record it at the earliest moment, and again
                // at the latest, so a send between two samples is bracketed by states that really were
                samples.add(new Sample(before, inSync));
                samples.add(new Sample(System.nanoTime(), inSync));
                stop.await(20, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                // the admin call failed (the master is busy): the next sample decides
            }
        }
    }

    private void produce(Producer producer) {
        int i = 0;
        while (stop.getCount() > 0) {
            String key = "k" + i;
            byte[] body = ("kill-" + i + "-" + "x".repeat(i * 97 % 2000)).getBytes(StandardCharsets.UTF_8);
            long sent = System.nanoTime();
            try {
                SendResult result = producer.send(Message.builder(TOPIC).body(body).keys(key).build());
                long acked = System.nanoTime();
                if (result.status() == SendStatus.SEND_OK) {
                    acks.add(new Ack(sent, acked, MessageId.decode(result.msgId()).physicalOffset(), key));
                }
            } catch (RuntimeException e) {
                if (isNotEnoughInSync(e)) {
                    refusedNotEnough.incrementAndGet();
                } else {
                    otherFailures.incrementAndGet();
                }
            }
            i++;
        }
    }

    private static boolean isNotEnoughInSync(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SendFailedException f && f.code() == ResponseCode.IN_SYNC_REPLICAS_NOT_ENOUGH.code()) {
                return true;
            }
            if (String.valueOf(t.getMessage()).contains("minInSyncReplicas")) {
                return true;
            }
        }
        return false;
    }

    /** Index of the last sample taken at or before {@code ns}, or -1 (samples are in time order). */
    private static int lastAtOrBefore(List<Sample> all, long ns) {
        int lo = 0;
        int hi = all.size() - 1;
        int found = -1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            if (all.get(mid).atNs() <= ns) {
                found = mid;
                lo = mid + 1;
            } else {
                hi = mid - 1;
            }
        }
        return found;
    }

    /**
     * The samples from the last one before {@code fromNs} to the first one after {@code toNs}, or null when the
     * interval is not bracketed by samples.
     */
    private static List<Sample> bracket(List<Sample> all, long fromNs, long toNs) {
        int first = lastAtOrBefore(all, fromNs);
        int last = lastAtOrBefore(all, toNs) + 1;
        if (first < 0 || last >= all.size()) {
            return null;
        }
        return all.subList(first, last + 1);
    }

    private void assertDeadSlaveHoldsWhatWasAckedWhileInSync(int slaveId, long killedNs) {
        List<Sample> all = List.copyOf(samples);
        Path masterDir = node("master");
        Path slaveDir = node("slave-" + slaveId);
        for (Ack ack : List.copyOf(acks)) {
            List<Sample> around = bracket(all, ack.sentNs(), ack.ackedNs());
            if (ack.ackedNs() > killedNs || around == null || around.get(around.size() - 1).atNs() > killedNs
                    || !around.stream().allMatch(s -> s.inSyncSlaves().contains(slaveId))) {
                continue; // not known to have been in sync throughout the send
            }
            int size = recordSize(masterDir, ack.physicalOffset());
            assertThat(sameRange(masterDir, slaveDir, ack.physicalOffset(), ack.physicalOffset() + size))
                    .as("message %s acknowledged while slave %d was in sync is in its CommitLog after kill -9",
                            ack.key(), slaveId).isTrue();
            checkedOnDeadSlaves++;
        }
    }

    private void assertNoAckWhileAlone() {
        List<Sample> all = List.copyOf(samples);
        for (Ack ack : acks) {
            List<Sample> around = bracket(all, ack.sentNs(), ack.ackedNs());
            if (around != null) {
                assertThat(around.stream().allMatch(s -> s.inSyncSlaves().isEmpty()))
                        .as("message %s was acknowledged while the master alone was in sync", ack.key()).isFalse();
            }
        }
    }

    private Path node(String name) {
        return tmp.resolve("cluster").resolve(name).resolve("commitlog");
    }

    private static Path fileOf(Path dir, long offset) {
        long fileFrom = offset / FILE_BYTES * FILE_BYTES;
        return dir.resolve(String.format("%020d", fileFrom));
    }

    private static byte[] readRange(Path dir, long from, int length) {
        Path file = fileOf(dir, from);
        if (!Files.exists(file)) {
            return null;
        }
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "r")) {
            byte[] out = new byte[length];
            raf.seek(from % FILE_BYTES);
            raf.readFully(out);
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static int recordSize(Path dir, long offset) {
        return ByteBuffer.wrap(readRange(dir, offset, 4)).getInt();
    }

    /** The record's KEYS property, read back from the master's file as the client sent it. */
    private static String recordKey(Path dir, long offset) {
        byte[] record = readRange(dir, offset, recordSize(dir, offset));
        String text = new String(record, StandardCharsets.ISO_8859_1);
        int at = text.indexOf("kill-");
        int end = text.indexOf('-', at + 5);
        return at < 0 || end < 0 ? null : "k" + text.substring(at + 5, end);
    }

    /** Whether {@code [from, to)} is equal in both directories (the range never crosses a file end). */
    private static boolean sameRange(Path masterDir, Path slaveDir, long from, long to) {
        for (long at = from; at < to; ) {
            long fileEnd = (at / FILE_BYTES + 1) * FILE_BYTES;
            int length = (int) (Math.min(to, fileEnd) - at);
            byte[] a = readRange(masterDir, at, length);
            byte[] b = readRange(slaveDir, at, length);
            if (a == null || b == null || !Arrays.equals(a, b)) {
                return false;
            }
            at += length;
        }
        return true;
    }
}
