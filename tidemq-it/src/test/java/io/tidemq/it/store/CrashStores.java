package io.tidemq.it.store;

import io.tidemq.store.api.FlushMode;
import io.tidemq.store.api.StoreConfig;

import java.nio.file.Path;

/**
 * The store settings of the crash test, shared by the appending child and the verifying parent: small files
 * everywhere, so a few hundred milliseconds of appends roll CommitLog, ConsumeQueue and index files and every
 * kill lands near some boundary.
 */
final class CrashStores {

    static final int COMMIT_LOG_FILE_BYTES = 1 << 20;
    static final int MAX_MESSAGE_BYTES = 128 * 1024;
    static final String[] TOPICS = {"crash-one", "crash-four", "crash-eight"};
    static final int[] QUEUES = {1, 4, 8};

    private CrashStores() {
    }

    static StoreConfig config(Path storeDir, FlushMode mode) {
        return StoreConfig.builder(storeDir)
                .flushMode(mode)
                .commitLogFileBytes(COMMIT_LOG_FILE_BYTES)
                .maxMessageBytes(MAX_MESSAGE_BYTES)
                .consumeQueueEntriesPerFile(1024)
                .flushIntervalMs(20)
                .flushConsumeQueueIntervalMs(50)
                .syncFlushTimeoutMs(30_000)
                .indexHashSlots(4096)
                .indexMaxEntriesPerFile(20_000)
                .build();
    }
}
