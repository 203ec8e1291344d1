package io.tidemq.broker.schedule;

import io.tidemq.broker.config.TimerSettings;
import io.tidemq.broker.store.BrokerStore;
import io.tidemq.broker.transaction.HalfMessageDiversion;
import io.tidemq.common.message.MessageConst;
import io.tidemq.store.DefaultMessageStore;
import io.tidemq.store.api.GetResult;
import io.tidemq.store.api.MessageRecord;
import io.tidemq.store.api.StoreConfig;
import io.tidemq.store.api.StoredMessage;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

/** A small message store with a putter and a timer service over it, restartable and crashable, for tests. */
final class TimerTestStores implements AutoCloseable {

    static final InetSocketAddress HOST = new InetSocketAddress("127.0.0.1", 10911);

    private final Path dir;
    private final TimerSettings settings;
    /** The store's maxMessageBytes at the next (re)start; a test lowers it to make re-puts fail. */
    int maxMessageBytes = 64 * 1024;
    DefaultMessageStore store;
    BrokerStore putter;
    TimerMessageService timer;

    TimerTestStores(Path dir, TimerSettings settings) {
        this.dir = dir;
        this.settings = settings;
        start();
    }

    static TimerSettings settings(long rollWindowMs) {
        return new TimerSettings(true, TimerSettings.DEFAULT_MAX_DELAY_MS, 1_000, 2_000, rollWindowMs, 10_000);
    }

    void start() {
        store = new DefaultMessageStore(StoreConfig.builder(dir)
                .commitLogFileBytes(1 << 20)
                .maxMessageBytes(maxMessageBytes)
                .consumeQueueEntriesPerFile(1_000)
                .warmMappedFiles(false)
                .preallocateNextFile(false)
                .flushIntervalMs(10)
                .flushConsumeQueueIntervalMs(50)
                .indexHashSlots(1024)
                .indexMaxEntriesPerFile(4096)
                .build());
        store.start();
        putter = new BrokerStore(store, new HalfMessageDiversion(), new TimerDiversion(settings, System::currentTimeMillis));
        timer = new TimerMessageService(settings, putter, dir.resolve("timer"), System::currentTimeMillis);
        timer.start();
    }

    void restart() {
        timer.close();
        store.close();
        start();
    }

    /** Stops both as kill -9 would: no final flush or checkpoint; mapped data stays in the page cache. */
    void crash() {
        timer.closeAbruptly();
        store.closeAbruptly();
    }

    Path timerDir() {
        return dir.resolve("timer");
    }

    static MessageRecord message(String topic, int queueId, String body, String uniqueKey, String property,
                                 String value) {
        return MessageRecord.builder(topic, queueId)
                .body(body.getBytes(StandardCharsets.UTF_8))
                .uniqueKey(uniqueKey)
                .property(property, value)
                .bornHost(HOST)
                .storeHost(HOST)
                .build();
    }

    void putDueAt(String topic, String uniqueKey, long deliverAtMs) {
        putter.putUserMessage(message(topic, 0, uniqueKey, uniqueKey, MessageConst.DELIVER_AT_MS,
                Long.toString(deliverAtMs)), null).join();
    }

    List<StoredMessage> messages(String topic) {
        GetResult r = store.getMessages(topic, 0, 0, 10_000, Long.MAX_VALUE, null);
        return r.messages();
    }

    @Override
    public void close() {
        timer.close();
        store.close();
    }
}
