package io.tidemq.store;

import io.tidemq.store.api.MessageRecord;
import io.tidemq.store.api.StoreConfig;
import io.tidemq.store.api.StoredMessage;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/** Small-file store configurations and messages for tests. */
public final class TestStores {

    public static final int FILE_BYTES = 64 * 1024;
    public static final InetSocketAddress STORE_HOST = new InetSocketAddress("127.0.0.1", 10911);
    public static final InetSocketAddress BORN_HOST = new InetSocketAddress("10.1.2.3", 54321);

    private TestStores() {
    }

    /** 64 KiB CommitLog files, 64-entry ConsumeQueue files, fast flush threads (every index flush round thorough). */
    public static StoreConfig.Builder smallConfig(Path dir) {
        return StoreConfig.builder(dir)
                .commitLogFileBytes(FILE_BYTES)
                .maxMessageBytes(16 * 1024)
                .consumeQueueEntriesPerFile(64)
                .flushIntervalMs(10)
                .flushLeastPages(0)
                .flushConsumeQueueIntervalMs(20)
                .flushConsumeQueueThoroughIntervalMs(20)
                .indexHashSlots(64)
                .indexMaxEntriesPerFile(512)
                .warmMappedFiles(false);
    }

    public static MessageRecord message(String topic, int queueId, String body) {
        return MessageRecord.builder(topic, queueId)
                .body(body.getBytes(StandardCharsets.UTF_8))
                .storeHost(STORE_HOST)
                .bornHost(BORN_HOST)
                .build();
    }

    public static MessageRecord message(String topic, int queueId, int bodyBytes) {
        byte[] body = new byte[bodyBytes];
        for (int i = 0; i < bodyBytes; i++) {
            body[i] = (byte) ('a' + i % 26);
        }
        return MessageRecord.builder(topic, queueId).body(body).storeHost(STORE_HOST).bornHost(BORN_HOST).build();
    }

    public static String bodyText(StoredMessage message) {
        return new String(message.body(), StandardCharsets.UTF_8);
    }
}
