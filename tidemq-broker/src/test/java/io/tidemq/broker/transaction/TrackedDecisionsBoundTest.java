package io.tidemq.broker.transaction;

import io.tidemq.broker.config.TimerSettings;
import io.tidemq.broker.schedule.TimerDiversion;
import io.tidemq.broker.store.BrokerStore;
import io.tidemq.store.DefaultMessageStore;
import io.tidemq.store.api.MessageRecord;
import io.tidemq.store.api.StoreConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * One half nobody decides holds the check boundary; the decisions of every later half pile up behind it. The
 * broker keeps at most {@code transactionMaxTrackedDecisions} of them: past that it rolls the blocking half back
 * (it was checked back already) instead of waiting for all {@code transactionCheckMax} check-backs.
 */
class TrackedDecisionsBoundTest {

    private static final InetSocketAddress HOST = new InetSocketAddress("127.0.0.1", 10911);
    private static final int MAX_TRACKED = 100;

    @TempDir
    Path dir;

    private DefaultMessageStore store;
    private TransactionCheckService checks;

    @BeforeEach
    void start() {
        store = new DefaultMessageStore(StoreConfig.builder(dir)
                .commitLogFileBytes(4 << 20)
                .maxMessageBytes(64 * 1024)
                .consumeQueueEntriesPerFile(10_000)
                .warmMappedFiles(false)
                .preallocateNextFile(false)
                .flushIntervalMs(10)
                .indexHashSlots(1024)
                .indexMaxEntriesPerFile(16_384)
                .build());
        store.start();
    }

    @AfterEach
    void stop() {
        if (checks != null) {
            checks.close();
        }
        store.close();
    }

    private long storeHalf(int i) {
        MessageRecord original = MessageRecord.builder("payments", 0)
                .body(("order-" + i).getBytes(StandardCharsets.UTF_8))
                .uniqueKey("U" + i)
                .bornHost(HOST)
                .storeHost(HOST)
                .build();
        return store.putMessage(HalfMessages.toHalf(original, "pay-tx")).join().physicalOffset();
    }

    @Test
    void decisionsBehindOneUndecidedHalfStayBoundedAndTheBlockingHalfIsRolledBackEarly() {
        TransactionalMessageService service = new TransactionalMessageService(new BrokerStore(store,
                new HalfMessageDiversion(), new TimerDiversion(TimerSettings.defaults(), System::currentTimeMillis)),
                () -> HOST);
        checks = new TransactionCheckService(service, dir.resolve("transactionProgress.json"), 60_000, 0, 15,
                MAX_TRACKED);
        checks.recover();
        CheckBackSender nobody = new CheckBackSender(null, group -> List.of());
        long stuck = storeHalf(0);
        for (int i = 1; i <= 3 * MAX_TRACKED; i++) {
            service.decide(storeHalf(i), TransactionDecision.COMMIT, "PRODUCER", "pay-tx").join();
        }
        assertThat(service.trackedDecisions()).isEqualTo(3 * MAX_TRACKED);

        long now = System.currentTimeMillis() + 1_000;
        checks.scanOnce(now, nobody); // the stuck half is checked back once (nobody answers)
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
            checks.scanOnce(now, nobody); // ... then rolled back, and the boundary passes everything behind it
            assertThat(service.trackedDecisions()).isLessThanOrEqualTo(MAX_TRACKED);
        });
        assertThat(service.decide(stuck, TransactionDecision.COMMIT, "PRODUCER", "pay-tx").join().applied())
                .as("the blocking half was rolled back, a late COMMIT changes nothing")
                .isNotEqualTo(TransactionDecision.COMMIT);
    }
}
