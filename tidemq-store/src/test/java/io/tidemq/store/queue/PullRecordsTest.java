package io.tidemq.store.queue;

import io.tidemq.common.message.DeliveredRecords;
import io.tidemq.common.message.MalformedMessageException;
import io.tidemq.common.message.MessageExt;
import io.tidemq.common.message.RecordLayout;
import io.tidemq.common.net.HostPort;
import io.tidemq.store.DefaultMessageStore;
import io.tidemq.store.TestStores;
import io.tidemq.store.api.GetResult;
import io.tidemq.store.api.GetStatus;
import io.tidemq.store.api.MessageRecord;
import io.tidemq.store.api.StoredMessage;
import io.tidemq.store.api.StoredRecords;
import io.tidemq.store.file.MappedFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import static io.tidemq.store.TestStores.message;
import static io.tidemq.store.TestStores.smallConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * A pull sends the CommitLog records as they are stored ({@link StoredRecords}) and the client decodes them in
 * place ({@link DeliveredRecords}): what the client sees must be what the store's own decoder sees, field by
 * field, and reading them must stay safe while retention deletes the files they come from.
 */
class PullRecordsTest {

    @TempDir
    Path dir;

    @Test
    void theClientDecodesTheStoredRecordsToExactlyWhatTheStoreDecodes() {
        try (DefaultMessageStore store = new DefaultMessageStore(smallConfig(dir).build())) {
            store.start();
            store.putMessage(MessageRecord.builder("orders", 2).body("first".getBytes(StandardCharsets.UTF_8))
                    .tags("created").keys("order-1 customer-9").flag(7)
                    .storeHost(TestStores.STORE_HOST).bornHost(TestStores.BORN_HOST).build()).join();
            store.putMessage(MessageRecord.builder("orders", 2).body(new byte[0])
                    .property("ORIGIN_TOPIC", "other").reconsumeTimes(3)
                    .storeHost(TestStores.STORE_HOST)
                    .bornHost(new InetSocketAddress("::1", 40001)).build()).join();
            store.putMessage(message("orders", 2, 3000)).join();
            await().until(() -> store.maxQueueOffset("orders", 2) == 3);

            StoredRecords records = store.readRecords("orders", 2, 0, 32, Long.MAX_VALUE, null);
            GetResult decodedByStore = store.getMessages("orders", 2, 0, 32, Long.MAX_VALUE, null);

            assertThat(records.status()).isEqualTo(GetStatus.FOUND);
            assertThat(records.count()).isEqualTo(3);
            assertThat(records.nextBeginOffset()).isEqualTo(decodedByStore.nextBeginOffset());
            List<MessageExt> decodedByClient = DeliveredRecords.decode(
                    Arrays.copyOf(records.bytes(), records.length()), "orders");
            assertThat(decodedByClient).hasSize(3);
            for (int i = 0; i < 3; i++) {
                StoredMessage s = decodedByStore.messages().get(i);
                MessageExt c = decodedByClient.get(i);
                assertThat(c.msgId()).isEqualTo(s.msgId());
                assertThat(c.topic()).isEqualTo(s.topic());
                assertThat(c.queueId()).isEqualTo(s.queueId());
                assertThat(c.queueOffset()).isEqualTo(s.queueOffset());
                assertThat(c.commitLogOffset()).isEqualTo(s.physicalOffset());
                assertThat(c.bornTimestampMs()).isEqualTo(s.bornTimestampMs());
                assertThat(c.storeTimestampMs()).isEqualTo(s.storeTimestampMs());
                assertThat(records.storeTimestampsMs()[i]).isEqualTo(s.storeTimestampMs());
                assertThat(c.bornHost()).isEqualTo(HostPort.format(s.bornHost()));
                assertThat(c.storeHost()).isEqualTo(HostPort.format(s.storeHost()));
                assertThat(c.reconsumeTimes()).isEqualTo(s.reconsumeTimes());
                assertThat(c.flag()).isEqualTo(s.flag());
                assertThat(c.sysFlag()).isEqualTo(s.sysFlag());
                assertThat(c.properties()).isEqualTo(s.properties());
                assertThat(c.body()).isEqualTo(s.body());
            }
            assertThat(decodedByClient.get(0).tag()).isEqualTo("created");
            assertThat(decodedByClient.get(0).keys()).containsExactly("order-1", "customer-9");
            assertThat(decodedByClient.get(1).bornHost()).isEqualTo("[0:0:0:0:0:0:0:1]:40001");
        }
    }

    @Test
    void aRecordOfAnotherTopicKeepsItsOwnTopicAndFiltersAndLimitsApplyAsForDecodedReads() {
        try (DefaultMessageStore store = new DefaultMessageStore(smallConfig(dir).build())) {
            store.start();
            for (int i = 0; i < 10; i++) {
                store.putMessage(MessageRecord.builder("%RETRY%g", 0).body(new byte[100])
                        .tags(i % 2 == 0 ? "even" : "oddd").storeHost(TestStores.STORE_HOST)
                        .bornHost(TestStores.BORN_HOST).build()).join();
            }
            await().until(() -> store.maxQueueOffset("%RETRY%g", 0) == 10);

            StoredRecords odd = store.readRecords("%RETRY%g", 0, 0, 3, Long.MAX_VALUE,
                    code -> code == io.tidemq.common.filter.TagsCode.of("oddd"));
            List<MessageExt> msgs = DeliveredRecords.decode(Arrays.copyOf(odd.bytes(), odd.length()), "orders");
            assertThat(msgs).extracting(MessageExt::queueOffset).containsExactly(1L, 3L, 5L);
            assertThat(msgs).extracting(MessageExt::topic).containsOnly("%RETRY%g");
            assertThat(odd.nextBeginOffset()).isEqualTo(6);

            int oneRecord = odd.length() / 3;
            StoredRecords bounded = store.readRecords("%RETRY%g", 0, 0, 32, oneRecord * 2L, null);
            assertThat(bounded.count()).isEqualTo(2);
            assertThat(bounded.nextBeginOffset()).isEqualTo(2);
            StoredRecords atLeastOne = store.readRecords("%RETRY%g", 0, 4, 32, 1, null);
            assertThat(atLeastOne.count()).isEqualTo(1);
            assertThat(store.readRecords("%RETRY%g", 0, 10, 32, Long.MAX_VALUE, null).status())
                    .isEqualTo(GetStatus.NO_MESSAGE);
            assertThat(store.readRecords("%RETRY%g", 0, 11, 32, Long.MAX_VALUE, null).status())
                    .isEqualTo(GetStatus.OFFSET_TOO_BIG);
        }
    }

    @Test
    void aDamagedResponseIsRejectedBeforeAnyFieldIsReadOutsideIt() {
        try (DefaultMessageStore store = new DefaultMessageStore(smallConfig(dir).build())) {
            store.start();
            store.putMessage(message("orders", 0, "a")).join();
            store.putMessage(message("orders", 0, "b")).join();
            await().until(() -> store.maxQueueOffset("orders", 0) == 2);
            StoredRecords r = store.readRecords("orders", 0, 0, 32, Long.MAX_VALUE, null);
            byte[] body = Arrays.copyOf(r.bytes(), r.length());

            assertThatThrownBy(() -> DeliveredRecords.decode(Arrays.copyOf(body, body.length - 1), "orders"))
                    .isInstanceOf(MalformedMessageException.class);
            byte[] badMagic = body.clone();
            ByteBuffer.wrap(badMagic).putInt(RecordLayout.MAGIC_OFFSET, 0x01020304);
            assertThatThrownBy(() -> DeliveredRecords.decode(badMagic, "orders"))
                    .isInstanceOf(MalformedMessageException.class).hasMessageContaining("magic");
            byte[] badBodyLength = body.clone();
            ByteBuffer.wrap(badBodyLength).putInt(RecordLayout.BODY_LENGTH_OFFSET, 1 << 20);
            assertThatThrownBy(() -> DeliveredRecords.decode(badBodyLength, "orders"))
                    .isInstanceOf(MalformedMessageException.class).hasMessageContaining("body length");
            byte[] hugeSize = body.clone();
            ByteBuffer.wrap(hugeSize).putInt(RecordLayout.TOTAL_SIZE_OFFSET, Integer.MAX_VALUE);
            assertThatThrownBy(() -> DeliveredRecords.decode(hugeSize, "orders"))
                    .isInstanceOf(MalformedMessageException.class).hasMessageContaining("total size");
            assertThat(DeliveredRecords.decode(new byte[0], "orders")).isEmpty();
        }
    }

    @Test
    void decodingFromAReusedNetworkBufferGivesTheSameMessagesAndKeepsNothingThatReadsThroughIt() {
        try (DefaultMessageStore store = new DefaultMessageStore(smallConfig(dir).build())) {
            store.start();
            store.putMessage(MessageRecord.builder("orders", 1).body("first".getBytes(StandardCharsets.UTF_8))
                    .tags("created").keys("order-1").storeHost(TestStores.STORE_HOST)
                    .bornHost(new InetSocketAddress("::1", 40001)).build()).join();
            store.putMessage(MessageRecord.builder("%RETRY%g", 1).body(new byte[0]).property("ORIGIN_TOPIC", "orders")
                    .storeHost(TestStores.STORE_HOST).bornHost(TestStores.BORN_HOST).build()).join();
            store.putMessage(message("orders", 1, 3000)).join();
            await().until(() -> store.maxQueueOffset("orders", 1) == 2 && store.maxQueueOffset("%RETRY%g", 1) == 1);
            StoredRecords a = store.readRecords("orders", 1, 0, 32, Long.MAX_VALUE, null);
            StoredRecords retry = store.readRecords("%RETRY%g", 1, 0, 32, Long.MAX_VALUE, null);
            byte[] records = new byte[a.length() + retry.length()];
            System.arraycopy(a.bytes(), 0, records, 0, a.length());
            System.arraycopy(retry.bytes(), 0, records, a.length(), retry.length());
            List<MessageExt> fromArray = DeliveredRecords.decode(records.clone(), "orders");

            // as a pull response's body lies in the network buffer: direct, not at index 0, and reused afterwards
            ByteBuffer network = ByteBuffer.allocateDirect(records.length + 100);
            network.position(37);
            network.put(records).flip().position(37);
            List<MessageExt> fromNetwork = DeliveredRecords.decodeCopying(network.asReadOnlyBuffer(), "orders");
            while (network.hasRemaining()) {
                network.put((byte) 0x5A);
            }

            assertThat(fromNetwork).hasSize(3);
            for (int i = 0; i < 3; i++) {
                MessageExt n = fromNetwork.get(i);
                MessageExt c = fromArray.get(i);
                assertThat(n.msgId()).isEqualTo(c.msgId());
                assertThat(n.topic()).isEqualTo(c.topic());
                assertThat(n.queueOffset()).isEqualTo(c.queueOffset());
                assertThat(n.commitLogOffset()).isEqualTo(c.commitLogOffset());
                assertThat(n.bornHost()).isEqualTo(c.bornHost());
                assertThat(n.storeHost()).isEqualTo(c.storeHost());
                assertThat(n.properties()).isEqualTo(c.properties());
                assertThat(n.body()).isEqualTo(c.body());
            }
            assertThat(fromNetwork.get(0).tag()).isEqualTo("created");
            assertThat(fromNetwork.get(0).bornHost()).isEqualTo("[0:0:0:0:0:0:0:1]:40001");
            assertThat(fromNetwork.get(2).topic()).isEqualTo("%RETRY%g");
            assertThat(fromNetwork.get(2).property("ORIGIN_TOPIC")).isEqualTo("orders");

            ByteBuffer cut = ByteBuffer.allocateDirect(records.length - 1).put(records, 0, records.length - 1).flip();
            assertThatThrownBy(() -> DeliveredRecords.decodeCopying(cut, "orders"))
                    .isInstanceOf(MalformedMessageException.class);
            assertThat(DeliveredRecords.decodeCopying(ByteBuffer.allocateDirect(0), "orders")).isEmpty();
        }
    }

    /**
     * The retention/unmap hazard: a pull copies each record while it holds the record's file, so retention deleting
     * that file (and unmapping it once the last holder is gone) can only make the pull miss records, never read
     * unmapped memory (which would crash the JVM). Pullers run flat out while retention deletes every file but the
     * active one.
     */
    @Test
    void pullsRacingRetentionNeverReadAnUnmappedFile() throws Exception {
        try (DefaultMessageStore store = new DefaultMessageStore(smallConfig(dir).retentionHours(72)
                .deleteFilesPerRun(1).build())) {
            store.start();
            int messages = 900;
            for (int i = 0; i < messages; i++) {
                store.putMessage(message("r", 0, 650)).join();
            }
            await().until(() -> store.maxQueueOffset("r", 0) == messages
                    && store.flushedOffset() == store.commitLogMaxOffset());
            long files = store.commitLogMaxOffset() / TestStores.FILE_BYTES + 1;
            assertThat(files).isGreaterThanOrEqualTo(8);
            for (long f = 0; f < files; f++) {
                Path p = dir.resolve("commitlog").resolve(MappedFile.fileName(f * TestStores.FILE_BYTES));
                if (Files.exists(p)) {
                    Files.setLastModifiedTime(p, FileTime.from(Instant.now().minus(100, ChronoUnit.HOURS)));
                }
            }
            AtomicBoolean done = new AtomicBoolean();
            AtomicLong pulled = new AtomicLong();
            AtomicReference<Throwable> failure = new AtomicReference<>();
            CountDownLatch started = new CountDownLatch(2);
            Thread[] pullers = new Thread[2];
            for (int t = 0; t < pullers.length; t++) {
                pullers[t] = new Thread(() -> {
                    started.countDown();
                    try {
                        while (!done.get()) {
                            long offset = store.minQueueOffset("r", 0);
                            while (offset < messages && !done.get()) {
                                StoredRecords r = store.readRecords("r", 0, offset, 8, Long.MAX_VALUE, null);
                                if (r.count() > 0) {
                                    DeliveredRecords.decode(Arrays.copyOf(r.bytes(), r.length()), "r");
                                    pulled.addAndGet(r.count());
                                }
                                offset = r.nextBeginOffset() > offset ? r.nextBeginOffset() : offset + 1;
                            }
                        }
                    } catch (Throwable e) {
                        failure.set(e);
                    }
                }, "puller-" + t);
                pullers[t].start();
            }
            started.await();
            int deleted = 0;
            int run;
            while ((run = store.runRetentionNow()) > 0) {
                deleted += run;
            }
            done.set(true);
            for (Thread t : pullers) {
                t.join(Duration.ofSeconds(30).toMillis());
            }
            assertThat(failure.get()).isNull();
            assertThat(deleted).isGreaterThanOrEqualTo((int) files - 2);
            assertThat(pulled.get()).isPositive();
            StoredRecords afterwards = store.readRecords("r", 0, 0, 8, Long.MAX_VALUE, null);
            assertThat(afterwards.status()).isEqualTo(GetStatus.OFFSET_TOO_SMALL);
        }
    }
}
