package io.tidemq.broker.transaction;

import io.tidemq.broker.config.TimerSettings;
import io.tidemq.broker.schedule.TimerDiversion;
import io.tidemq.broker.store.BrokerStore;
import io.tidemq.store.DefaultMessageStore;
import io.tidemq.store.api.MessageRecord;
import io.tidemq.store.api.MessageStore;
import io.tidemq.store.api.PutResult;
import io.tidemq.store.api.StoreConfig;
import io.tidemq.store.api.StoredMessage;
import io.tidemq.store.api.SyncFlushTimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A COMMIT whose real-message put is appended but not confirmed durable in time (SYNC flush timeout) is applied:
 * a later decision for the same half (the check-back) must not put the real message again.
 */
class CommitFlushTimeoutTest {

    private static final InetSocketAddress HOST = new InetSocketAddress("127.0.0.1", 10911);
    private static final String TOPIC = "payments";

    @TempDir
    Path dir;

    private DefaultMessageStore store;
    private final AtomicInteger commitPuts = new AtomicInteger();

    @BeforeEach
    void start() {
        store = new DefaultMessageStore(StoreConfig.builder(dir)
                .commitLogFileBytes(1 << 20)
                .maxMessageBytes(64 * 1024)
                .consumeQueueEntriesPerFile(1_000)
                .warmMappedFiles(false)
                .preallocateNextFile(false)
                .flushIntervalMs(10)
                .indexHashSlots(1024)
                .indexMaxEntriesPerFile(4096)
                .build());
        store.start();
    }

    @AfterEach
    void stop() {
        store.close();
    }

    /**
     * The store as the put door sees it: puts into {@link #TOPIC} (the committed real messages) go through
     * {@link #firstPutTimesOut}; everything else, op records included, reaches the store untouched.
     */
    private MessageStore firstCommitTimesOut() {
        return (MessageStore) Proxy.newProxyInstance(MessageStore.class.getClassLoader(),
                new Class<?>[] {MessageStore.class}, (proxy, method, args) -> {
                    if (method.getName().equals("putMessage") && ((MessageRecord) args[0]).topic().equals(TOPIC)) {
                        return firstPutTimesOut((MessageRecord) args[0]);
                    }
                    try {
                        return method.invoke(store, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    /** Appends through the store; the first put then fails as the SYNC flush watchdog fails a slow fsync. */
    private CompletableFuture<PutResult> firstPutTimesOut(MessageRecord record) {
        CompletableFuture<PutResult> put = store.putMessage(record);
        if (commitPuts.incrementAndGet() > 1) {
            return put;
        }
        return put.thenCompose(r -> CompletableFuture.failedFuture(new SyncFlushTimeoutException(
                "message at offset " + r.physicalOffset() + " was not flushed within syncFlushTimeoutMs")));
    }

    private long storeHalf(String body, String uniqueKey) {
        MessageRecord original = MessageRecord.builder(TOPIC, 0)
                .body(body.getBytes(StandardCharsets.UTF_8))
                .uniqueKey(uniqueKey)
                .bornHost(HOST)
                .storeHost(HOST)
                .build();
        return store.putMessage(HalfMessages.toHalf(original, "pay-tx")).join().physicalOffset();
    }

    /** The real messages stored before a sentinel put now: dispatch is in order, so all of them are visible. */
    private List<String> realBodies() {
        store.putMessage(MessageRecord.builder(TOPIC, 0).body("sentinel".getBytes(StandardCharsets.UTF_8))
                .bornHost(HOST).storeHost(HOST).build()).join();
        await().atMost(Duration.ofSeconds(5)).until(() -> bodies().contains("sentinel"));
        return bodies().stream().filter(b -> !b.equals("sentinel")).toList();
    }

    private List<String> bodies() {
        return store.getMessages(TOPIC, 0, 0, 100, 1 << 20, null).messages().stream()
                .map(StoredMessage::body).map(b -> new String(b, StandardCharsets.UTF_8)).toList();
    }

    @Test
    void aCommitWhoseFlushTimedOutIsAppliedOnceAndTheCheckBackAnswerChangesNothing() {
        TransactionalMessageService service = new TransactionalMessageService(new BrokerStore(firstCommitTimesOut(),
                new HalfMessageDiversion(), new TimerDiversion(TimerSettings.defaults(), System::currentTimeMillis)),
                () -> HOST);
        long half = storeHalf("order-1", "U1");

        DecideResult first = service.decide(half, TransactionDecision.COMMIT, "PRODUCER", "pay-tx")
                .exceptionally(e -> null).join();
        DecideResult fromCheck = service.decide(half, TransactionDecision.COMMIT, "CHECK", "pay-tx").join();

        assertThat(first).as("the decision is in force although its fsync was not confirmed").isNotNull();
        assertThat(first.applied()).isEqualTo(TransactionDecision.COMMIT);
        assertThat(first.unconfirmedDurable()).isTrue();
        assertThat(fromCheck.duplicate()).isTrue();
        assertThat(commitPuts.get()).isEqualTo(1);
        assertThat(realBodies()).containsExactly("order-1");
    }
}
