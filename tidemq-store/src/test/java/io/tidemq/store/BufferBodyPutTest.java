package io.tidemq.store;

import io.tidemq.store.api.GetResult;
import io.tidemq.store.api.MessageRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static io.tidemq.store.TestStores.BORN_HOST;
import static io.tidemq.store.TestStores.STORE_HOST;
import static io.tidemq.store.TestStores.smallConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Records whose bodies lie in a buffer (a broker's receive buffer, {@link MessageRecord.Builder#body(ByteBuffer, int,
 * int)}): the put copies them into the CommitLog before it returns, so the buffer may be reused at once.
 */
class BufferBodyPutTest {

    @TempDir
    Path dir;

    private static MessageRecord record(ByteBuffer buffer, int offset, int length) {
        return MessageRecord.builder("t", 0).body(buffer, offset, length).bornHost(BORN_HOST).storeHost(STORE_HOST)
                .build();
    }

    @Test
    void bodiesInADirectBufferAreStoredAsTheyWereAndTheBufferMayBeReusedOnceThePutReturns() {
        DefaultMessageStore store = new DefaultMessageStore(smallConfig(dir).build());
        store.start();
        try {
            ByteBuffer received = ByteBuffer.allocateDirect(64);
            received.put(3, "single".getBytes(StandardCharsets.UTF_8));
            store.putMessage(record(received, 3, 6));
            received.put(3, "XXXXXX".getBytes(StandardCharsets.UTF_8));

            received.put(10, "firstsecond".getBytes(StandardCharsets.UTF_8));
            List<MessageRecord> batch = new ArrayList<>(List.of(record(received, 10, 5), record(received, 15, 6)));
            assertThat(batch.get(1).body()).as("a copy of the part").containsExactly("second".getBytes(StandardCharsets.UTF_8));
            store.putMessages(batch).join();
            for (int i = 0; i < 64; i++) {
                received.put(i, (byte) 'Z');
            }

            // the dispatcher indexes the records after the puts returned
            await().atMost(Duration.ofSeconds(10)).until(() -> store.maxQueueOffset("t", 0) == 3);
            GetResult read = store.getMessages("t", 0, 0, 10, 1 << 20, code -> true);
            assertThat(read.messages()).extracting(TestStores::bodyText).containsExactly("single", "first", "second");
        } finally {
            store.close();
        }
    }
}
