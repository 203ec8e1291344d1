package io.tidemq.it.store;

import io.tidemq.client.BrokerDiskFullException;
import io.tidemq.client.SendFailedException;
import io.tidemq.client.admin.AdminClient;
import io.tidemq.client.producer.Producer;
import io.tidemq.client.producer.SendResult;
import io.tidemq.common.message.Message;
import io.tidemq.common.message.MessageExt;
import io.tidemq.common.protocol.ResponseCode;
import io.tidemq.it.support.ItLogs;
import io.tidemq.it.support.Standalone;
import io.tidemq.it.support.TestClients;
import io.tidemq.it.support.TopicAudit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

/**
 * storage-audit #2 on a real file system: a broker (SYNC flush, warm-up on) whose data directory is a small
 * tmpfs this test mounts is filled through sends. The JVM stays up, sends get DISK_FULL, pulls and admin keep
 * working, sends succeed again once space is freed, and every acknowledged message is readable after a restart.
 * Before the fix the broker JVM died of SIGBUS (warm-up or the append's CRC32C) or acknowledged a record whose
 * page was never written. Needs root (mount); skipped otherwise.
 */
class DiskFullIT {

    private static final String TOPIC = "it-disk-full";
    private static final int BODY_BYTES = 16 * 1024;
    private static final long TMPFS_BYTES = 96L << 20;
    /** Left free after the ballast, for the sends to fill. */
    private static final long ROOM_BYTES = 6L << 20;
    private static final int MAX_SENDS = 2_000;

    @TempDir
    Path tmp;

    private Path mountPoint;
    private boolean mounted;
    private Standalone server;

    @BeforeEach
    void mountTmpfs() throws Exception {
        assumeThat(isRoot()).as("DiskFullIT mounts a tmpfs and needs root; skipped for user "
                + System.getProperty("user.name")).isTrue();
        mountPoint = Files.createDirectories(tmp.resolve("small-fs"));
        int exit = run("mount", "-t", "tmpfs", "-o", "size=" + TMPFS_BYTES, "tmpfs", mountPoint.toString());
        assumeThat(exit).as("mount -t tmpfs failed (exit %d): this environment does not allow mounts", exit).isZero();
        mounted = true;
    }

    @AfterEach
    void unmount() throws Exception {
        if (server != null) {
            server.close();
        }
        if (mounted) {
            assertThat(run("umount", mountPoint.toString())).as("umount " + mountPoint).isZero();
        }
    }

    @ParameterizedTest(name = "diskReserveBytes={0}")
    @ValueSource(longs = {2L << 20, 0})
    void aFullDiskRefusesSendsWithDiskFullKeepsTheBrokerUpAndLosesNoAcknowledgedMessage(long reserveBytes)
            throws Exception {
        server = Standalone.builder("standalone", ItLogs.forClass(DiskFullIT.class), mountPoint.resolve("data"))
                .flush("sync")
                .set("commitLogFileBytes", Integer.toString(1 << 20))
                .set("maxMessageBytes", Integer.toString(64 * 1024))
                .set("consumeQueueEntriesPerFile", "1000")
                .set("indexHashSlots", "1000")
                .set("indexMaxEntriesPerFile", "4000")
                .set("diskReserveBytes", Long.toString(reserveBytes))
                // no early deletion by diskMaxUsedRatio while the disk is full: this test is about the refusal
                .set("deleteCheckIntervalMs", "86400000")
                .build().start();
        server.createTopic(TOPIC, 1);
        Path ballast = mountPoint.resolve("ballast");
        fillLeaving(ballast, ROOM_BYTES);

        Set<String> acknowledged = new HashSet<>();
        SendFailedException refusal = null;
        try (Producer producer = producer()) {
            for (int i = 0; i < MAX_SENDS && refusal == null; i++) {
                try {
                    SendResult result = producer.send(message("m" + i));
                    assertThat(result.isOk()).isTrue();
                    acknowledged.add("m" + i);
                } catch (SendFailedException e) {
                    refusal = e;
                }
            }
            assertThat(refusal).as("a send refused within %d sends", MAX_SENDS).isNotNull();
            assertThat(refusal).isInstanceOf(BrokerDiskFullException.class);
            assertThat(refusal.responseCode()).isEqualTo(ResponseCode.DISK_FULL);
            assertThat(refusal.getMessage()).contains("free disk space");
            assertThat(server.node().isAlive()).as("the broker JVM survived the full disk").isTrue();
            assertThat(acknowledged).isNotEmpty();

            try (AdminClient admin = AdminClient.connect(server.namesrvAddr(), 5_000)) {
                Map<String, String> stats = admin.brokerRuntimeInfo(server.brokerAddr());
                assertThat(stats.get("storeWriteState")).isEqualTo("DISK_FULL");
                assertThat(stats.get("storeWriteRefusal")).contains("free");
            }
            if (reserveBytes > 0) {
                // below the reserve, pulls keep working and see every acknowledged message
                assertThat(bodies(readAll())).containsAll(acknowledged);
            }

            Files.delete(ballast); // the operator frees space: sends resume without a restart
            SendResult again = await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                    .ignoreExceptionsInstanceOf(SendFailedException.class)
                    .until(() -> producer.send(message("after-free")), SendResult::isOk);
            assertThat(again.isOk()).isTrue();
            acknowledged.add("after-free");
        }
        assertThat(server.node().isAlive()).isTrue();

        server.stopGracefully();
        server.start();
        assertThat(bodies(readAll())).as("every acknowledged message after the restart").containsAll(acknowledged);
    }

    private Producer producer() {
        Producer producer = Producer.builder("it-disk-full-producer",
                TestClients.config(server.namesrvAddr(), "producer", tmp.resolve("offsets"))
                        .retryTimesWhenSendFailed(0).faultAvoidanceMs(0).build()).build();
        producer.start();
        return producer;
    }

    private static Message message(String key) {
        byte[] body = new byte[BODY_BYTES];
        byte[] head = key.getBytes(StandardCharsets.UTF_8);
        java.util.Arrays.fill(body, (byte) '.');
        System.arraycopy(head, 0, body, 0, head.length);
        return Message.builder(TOPIC).body(body).build();
    }

    private TopicAudit readAll() {
        return TopicAudit.read(server.namesrvAddr(), TOPIC,
                TestClients.config(server.namesrvAddr(), "audit-" + System.nanoTime(), tmp.resolve("offsets")).build(),
                Duration.ofSeconds(60));
    }

    private static Set<String> bodies(TopicAudit audit) {
        Set<String> keys = new HashSet<>();
        for (MessageExt m : audit.records()) {
            String body = new String(m.body(), StandardCharsets.UTF_8);
            keys.add(body.substring(0, body.indexOf('.')));
        }
        return keys;
    }

    /** Writes zeros to {@code file} until the file system has about {@code leaveBytes} free. */
    private void fillLeaving(Path file, long leaveBytes) throws IOException {
        ByteBuffer chunk = ByteBuffer.allocate(1 << 20);
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            long toWrite = mountPoint.toFile().getUsableSpace() - leaveBytes;
            while (toWrite > 0) {
                chunk.clear().limit((int) Math.min(chunk.capacity(), toWrite));
                toWrite -= channel.write(chunk);
            }
        }
    }

    private static boolean isRoot() {
        try {
            Process p = new ProcessBuilder("id", "-u").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            return p.waitFor() == 0 && out.equals("0");
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static int run(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        p.getInputStream().transferTo(System.out);
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            return -1;
        }
        return p.exitValue();
    }
}
