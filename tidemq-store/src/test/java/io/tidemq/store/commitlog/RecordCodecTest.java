package io.tidemq.store.commitlog;

import io.tidemq.common.filter.TagsCode;
import io.tidemq.common.message.SysFlag;
import io.tidemq.store.TestStores;
import io.tidemq.store.api.MessageRecord;
import io.tidemq.store.api.PropertiesTooLargeException;
import io.tidemq.store.api.RecordDescriptor;
import io.tidemq.store.api.StoredMessage;
import io.tidemq.store.api.TopicTooLongException;
import io.tidemq.store.file.MappedFile;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RecordCodecTest {

    @TempDir
    Path dir;
    private MappedFile file;
    private final RecordEncoder encoder = new RecordEncoder();
    private final RecordReader reader = new RecordReader();

    @BeforeEach
    void open() {
        file = MappedFile.open(dir.resolve(MappedFile.fileName(65536)), 4096);
    }

    @AfterEach
    void close() {
        file.destroy();
    }

    private ByteBuffer view() {
        return file.sliceForRead(0, file.fileSizeBytes());
    }

    @Test
    void everyFieldSurvivesAnEncodeDecodeRoundTrip() {
        MessageRecord record = MessageRecord.builder("orders", 3)
                .body("hello".getBytes(StandardCharsets.UTF_8))
                .flag(7).sysFlag(SysFlag.TRANSACTION_PREPARED)
                .tags("TagA").keys(List.of("k1", "k2")).uniqueKey("U-1").property("color", "blue")
                .bornTimestampMs(1234L).bornHost(TestStores.BORN_HOST).storeHost(TestStores.STORE_HOST)
                .reconsumeTimes(2).preparedTransactionOffset(99L)
                .build();
        encoder.prepare(record, 42, 5678L);

        int written = file.append(encoder);

        assertThat(written).isEqualTo(record.recordLength());
        assertThat(reader.check(view(), 0, 65536)).isEqualTo(record.recordLength());
        StoredMessage m = RecordReader.decode(view(), 0);
        assertThat(m.topic()).isEqualTo("orders");
        assertThat(m.queueId()).isEqualTo(3);
        assertThat(m.flag()).isEqualTo(7);
        assertThat(m.sysFlag()).isEqualTo(SysFlag.TRANSACTION_PREPARED);
        assertThat(m.queueOffset()).isEqualTo(42);
        assertThat(m.physicalOffset()).isEqualTo(65536);
        assertThat(m.bornTimestampMs()).isEqualTo(1234L);
        assertThat(m.storeTimestampMs()).isEqualTo(5678L);
        assertThat(m.bornHost()).isEqualTo(TestStores.BORN_HOST);
        assertThat(m.storeHost()).isEqualTo(TestStores.STORE_HOST);
        assertThat(m.reconsumeTimes()).isEqualTo(2);
        assertThat(m.preparedTransactionOffset()).isEqualTo(99L);
        assertThat(TestStores.bodyText(m)).isEqualTo("hello");
        assertThat(m.tags()).isEqualTo("TagA");
        assertThat(m.keys()).isEqualTo("k1 k2");
        assertThat(m.uniqueKey()).isEqualTo("U-1");
        assertThat(m.property("color")).isEqualTo("blue");

        DispatchRequest request = RecordReader.toDispatchRequest(view(), 0);
        assertThat(request).isEqualTo(new DispatchRequest("orders", 3, 65536, record.recordLength(),
                TagsCode.of("TagA"), 5678L, 42, "k1 k2", "U-1", SysFlag.TRANSACTION_PREPARED));
    }

    @Test
    void aBatchOfRecordsWhoseBodiesAreSlicesOfOneRequestStoresEachBodyWithItsOwnHeaderAndCrc() {
        byte[] request = "xxAAAyyBBBBzz".getBytes(StandardCharsets.UTF_8);
        MessageRecord a = MessageRecord.builder("t", 1).body(request, 2, 3).uniqueKey("U-a").build();
        MessageRecord b = MessageRecord.builder("t", 1).body(request, 7, 4).uniqueKey("U-b").build();
        assertThat(a.bodyLength()).isEqualTo(3);
        assertThat(a.body()).as("a copy of the slice").isEqualTo("AAA".getBytes(StandardCharsets.UTF_8));
        assertThat(a.recordLength()).isEqualTo(RecordDescriptor.recordLength(3, 1, a.propertiesBytes().length));
        encoder.prepareBatch(List.of(a, b), a.recordLength() + b.recordLength(), 10, 5678L);

        file.append(encoder);

        assertThat(reader.check(view(), 0, 65536)).isEqualTo(a.recordLength());
        assertThat(reader.check(view(), a.recordLength(), 65536)).isEqualTo(b.recordLength());
        StoredMessage first = RecordReader.decode(view(), 0);
        StoredMessage second = RecordReader.decode(view(), a.recordLength());
        assertThat(TestStores.bodyText(first)).isEqualTo("AAA");
        assertThat(first.uniqueKey()).isEqualTo("U-a");
        assertThat(first.queueOffset()).isEqualTo(10);
        assertThat(TestStores.bodyText(second)).isEqualTo("BBBB");
        assertThat(second.uniqueKey()).isEqualTo("U-b");
        assertThat(second.queueOffset()).isEqualTo(11);
        assertThatThrownBy(() -> MessageRecord.builder("t", 1).body(request, 10, 4))
                .isInstanceOf(IndexOutOfBoundsException.class);
    }

    @Test
    void ipv6HostsAreKeptInPropertiesAndFlaggedInSysFlag() {
        InetSocketAddress v6 = new InetSocketAddress("2001:db8::1", 9876);
        MessageRecord record = MessageRecord.builder("t", 0).bornHost(v6).storeHost(TestStores.STORE_HOST).build();
        encoder.prepare(record, 0, 1L);
        file.append(encoder);

        StoredMessage m = RecordReader.decode(view(), 0);

        assertThat(m.sysFlag() & SysFlag.BORN_HOST_V6).isNotZero();
        assertThat(m.sysFlag() & SysFlag.STORE_HOST_V6).isZero();
        assertThat(m.bornHost()).isEqualTo(v6);
    }

    @Test
    void crcCatchesACorruptedHeaderFieldAndACorruptedBody() {
        MessageRecord record = TestStores.message("t", 1, "payload");
        encoder.prepare(record, 0, 1L);
        file.append(encoder);
        flipByte(RecordDescriptor.QUEUE_ID_OFFSET + 3);
        assertThat(reader.check(view(), 0, 65536)).isEqualTo(RecordReader.CORRUPT);
        assertThat(reader.lastCorruption()).contains("CRC32C mismatch");
        flipByte(RecordDescriptor.QUEUE_ID_OFFSET + 3);
        assertThat(reader.check(view(), 0, 65536)).isEqualTo(record.recordLength());
        flipByte(RecordDescriptor.BODY_OFFSET + 2);
        assertThat(reader.check(view(), 0, 65536)).isEqualTo(RecordReader.CORRUPT);
    }

    /** Flips one bit through the append path (read views are read-only). */
    private void flipByte(int position) {
        int wrote = file.wrotePosition();
        file.resetPositions(position);
        file.append((target, pos, remaining, from) -> {
            target.put(pos, (byte) (target.get(pos) ^ 0x01));
            return 1;
        });
        file.resetPositions(wrote);
    }

    @Test
    void aRecordThatDoesNotFitLeavesABlankMarkerCoveringTheRestOfTheFile() {
        MessageRecord big = TestStores.message("t", 0, 3000);
        encoder.prepare(big, 0, 1L);
        file.append(encoder);
        encoder.prepare(big, 1, 1L);

        int written = file.append(encoder);

        assertThat(encoder.endOfFile()).isTrue();
        assertThat(written).isEqualTo(4096 - big.recordLength());
        assertThat(file.isFull()).isTrue();
        assertThat(reader.check(view(), big.recordLength(), 65536)).isEqualTo(RecordReader.BLANK);
        assertThat(view().getInt(big.recordLength() + RecordDescriptor.MAGIC_OFFSET))
                .isEqualTo(RecordDescriptor.BLANK_MAGIC);
    }

    @Test
    void builderRejectsTopicsAndPropertiesBeyondTheFormatLimits() {
        assertThatThrownBy(() -> MessageRecord.builder("x".repeat(128), 0).build())
                .isInstanceOf(TopicTooLongException.class).hasMessageContaining("127");
        assertThatThrownBy(() -> MessageRecord.builder("t", 0).property("big", "v".repeat(40_000)).build())
                .isInstanceOf(PropertiesTooLargeException.class).hasMessageContaining("32767");
        assertThatThrownBy(() -> MessageRecord.builder("a/b", 0).build())
                .hasMessageContaining("'/'");
    }

    @Test
    void resyncFindsTheNextRecordAfterGarbage() {
        MessageRecord record = TestStores.message("t", 0, 100);
        for (int i = 0; i < 3; i++) {
            encoder.prepare(record, i, 1L);
            file.append(encoder);
        }
        int second = record.recordLength();
        flipByte(second + RecordDescriptor.TOTAL_SIZE_OFFSET);

        assertThat(reader.check(view(), second, 65536)).isEqualTo(RecordReader.CORRUPT);
        assertThat(reader.resync(view(), second + 1, 4096, 65536)).isEqualTo(2 * record.recordLength());
    }
}
