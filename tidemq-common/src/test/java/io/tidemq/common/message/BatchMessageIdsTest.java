package io.tidemq.common.message;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** docs/protocol.md, SEND_BATCH_MESSAGE: a batch's ids as its first id and its records' sizes. */
class BatchMessageIdsTest {

    private static final int HOST = 0x0A00_0005;
    private static final int PORT = 10911;

    @Test
    void recordsOfOneSizeAreOneRunWhateverTheirNumber() {
        long[] offsets = new long[32];
        for (int i = 0; i < offsets.length; i++) {
            offsets[i] = 4_096 + 1_187L * i;
        }
        assertThat(BatchMessageIds.recordBytes(offsets, 4_096 + 1_187L * 32)).isEqualTo("1187*32");
        assertThat(BatchMessageIds.recordBytes(new long[] {7}, 507)).isEqualTo("500");
    }

    @Test
    void sizesThatChangeStartANewRunInOrder() {
        long[] offsets = {0, 100, 300, 500, 600};
        assertThat(BatchMessageIds.recordBytes(offsets, 1_000)).isEqualTo("100,200*2,100,400");
    }

    @Test
    void eachDerivedIdIsTheIdTheStoreWritesForThatRecordInBatchOrder() {
        Random random = new Random(42);
        for (int round = 0; round < 200; round++) {
            int n = 1 + random.nextInt(64);
            long[] offsets = new long[n];
            long at = random.nextInt(1 << 30) * 8L;
            for (int i = 0; i < n; i++) {
                offsets[i] = at;
                // runs of equal sizes, as a batch of messages alike gives, broken now and then
                at += random.nextInt(4) == 0 ? 64 + random.nextInt(4_000) : (i == 0 ? 1_187 : at - offsets[i - 1]);
            }
            List<String> expected = new ArrayList<>();
            for (long offset : offsets) {
                expected.add(MessageId.encode(HOST, PORT, offset));
            }

            BatchMessageIds ids = BatchMessageIds.parse(expected.get(0), BatchMessageIds.recordBytes(offsets, at));

            assertThat(ids.count()).isEqualTo(n);
            for (int i = 0; i < n; i++) {
                assertThat(ids.id(i)).isEqualTo(expected.get(i));
                assertThat(ids.physicalOffset(i)).isEqualTo(offsets[i]);
            }
            assertThat(ids.joined()).as("the form older answers carried").isEqualTo(String.join(",", expected));
        }
    }

    @Test
    void anIndexOutsideTheBatchIsRefused() {
        BatchMessageIds ids = BatchMessageIds.parse(MessageId.encode(HOST, PORT, 0), "10*3");
        assertThatThrownBy(() -> ids.id(3)).isInstanceOf(IndexOutOfBoundsException.class)
                .hasMessageContaining("record 3 of a batch of 3");
        assertThatThrownBy(() -> ids.id(-1)).isInstanceOf(IndexOutOfBoundsException.class);
    }

    @Test
    void malformedRecordSizesAreRefusedNamingTheField() {
        String first = MessageId.encode(HOST, PORT, 0);
        for (String bad : new String[] {"", "0", "-5", "12*0", "x", "12*", "*3", "12,,3", "12,", ",12", "12**3",
                "12*3*4", "3000000000", "99999999999999999999", "12*99999999"}) {
            assertThatThrownBy(() -> BatchMessageIds.parse(first, bad)).as(bad)
                    .isInstanceOf(MalformedMessageIdException.class).hasMessageContaining("recordBytes");
        }
        assertThatThrownBy(() -> BatchMessageIds.parse(first, null)).isInstanceOf(MalformedMessageIdException.class);
        assertThatThrownBy(() -> BatchMessageIds.parse("not-an-id", "10")).isInstanceOf(MalformedMessageIdException.class);
    }

    @Test
    void offsetsThatDoNotAscendAreNoBatch() {
        assertThatThrownBy(() -> BatchMessageIds.recordBytes(new long[] {100, 100}, 200))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("record 0");
        assertThatThrownBy(() -> BatchMessageIds.recordBytes(new long[] {100}, 100))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> BatchMessageIds.recordBytes(new long[0], 0)).isInstanceOf(IllegalArgumentException.class);
    }
}
