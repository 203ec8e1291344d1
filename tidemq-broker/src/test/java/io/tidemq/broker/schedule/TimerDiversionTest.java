package io.tidemq.broker.schedule;

import io.tidemq.broker.config.TimerSettings;
import io.tidemq.broker.store.BrokerStore;
import io.tidemq.broker.transaction.HalfMessageDiversion;
import io.tidemq.common.message.MessageConst;
import io.tidemq.store.DefaultMessageStore;
import io.tidemq.store.api.MessageRecord;
import io.tidemq.store.api.PutResult;
import io.tidemq.store.api.StoreConfig;
import io.tidemq.store.api.StoredMessage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletionException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The delay diversion, through the broker's put door onto a real store. */
class TimerDiversionTest {

    private static final long NOW = 1_700_000_000_000L;

    @TempDir
    Path dir;

    private DefaultMessageStore store;
    private TimerDiversion diversion;
    private BrokerStore putter;

    @BeforeEach
    void start() {
        store = new DefaultMessageStore(StoreConfig.builder(dir).commitLogFileBytes(1 << 20).maxMessageBytes(64 * 1024)
                .consumeQueueEntriesPerFile(1_000).warmMappedFiles(false).preallocateNextFile(false)
                .indexHashSlots(1024).indexMaxEntriesPerFile(4096).build());
        store.start();
        diversion = new TimerDiversion(TimerSettings.defaults(), () -> NOW);
        putter = new BrokerStore(store, new HalfMessageDiversion(), diversion);
    }

    @AfterEach
    void stop() {
        store.close();
    }

    private StoredMessage put(String property, String value) {
        PutResult r = putter.putUserMessage(TimerTestStores.message("orders", 3, "b", "U1", property, value), null).join();
        return store.readByPhysicalOffset(r.physicalOffset());
    }

    @Test
    void aMessageWithoutDelayIsStoredInItsTopicUnchanged() {
        StoredMessage m = put("user", "v");

        assertThat(m.topic()).isEqualTo("orders");
        assertThat(m.queueId()).isEqualTo(3);
        assertThat(m.properties()).containsEntry("user", "v").containsEntry(MessageConst.UNIQ_KEY, "U1");
        assertThat(diversion.scheduledPuts()).isZero();
    }

    @Test
    void aDelayIsTurnedIntoADueTimeAndTheMessageWaitsInTheTimerTopic() {
        StoredMessage m = put(MessageConst.DELAY_MS, "5000");

        assertThat(m.topic()).isEqualTo(TimerRecords.TOPIC);
        assertThat(m.queueId()).isEqualTo(TimerRecords.QUEUE_ID);
        assertThat(m.properties())
                .containsEntry(MessageConst.DELIVER_AT_MS, Long.toString(NOW + 5_000))
                .containsEntry(MessageConst.REAL_TOPIC, "orders")
                .containsEntry(MessageConst.REAL_QUEUE_ID, "3")
                .containsEntry(MessageConst.UNIQ_KEY, "U1")
                .doesNotContainKey(MessageConst.DELAY_MS);
        assertThat(diversion.scheduledPuts()).isEqualTo(1);
    }

    @Test
    void aDueTimeInTheFutureIsAlwaysScheduledEvenWhenItIsLessThanOneSecondAhead() {
        StoredMessage m = put(MessageConst.DELIVER_AT_MS, Long.toString(NOW + 300));

        assertThat(m.topic()).isEqualTo(TimerRecords.TOPIC);
        assertThat(m.properties()).containsEntry(MessageConst.DELIVER_AT_MS, Long.toString(NOW + 300));
    }

    @Test
    void aDelayBelowOneSecondOrADueTimeInThePastIsStoredInItsTopicAtOnceWithoutDelayProperties() {
        StoredMessage soon = put(MessageConst.DELAY_MS, "999");
        StoredMessage past = put(MessageConst.DELIVER_AT_MS, Long.toString(NOW - 60_000));

        for (StoredMessage m : List.of(soon, past)) {
            assertThat(m.topic()).isEqualTo("orders");
            assertThat(m.properties()).doesNotContainKeys(MessageConst.DELAY_MS, MessageConst.DELIVER_AT_MS);
        }
    }

    @Test
    void aDelayBeyondTimerMaxDelayMsIsIllegalAndSaysSo() {
        long tooFar = TimerSettings.DEFAULT_MAX_DELAY_MS + 1;

        assertThatThrownBy(() -> put(MessageConst.DELAY_MS, Long.toString(tooFar)))
                .isInstanceOf(CompletionException.class).cause()
                .isInstanceOf(InvalidDelayException.class)
                .hasMessageContaining("timerMaxDelayMs=" + TimerSettings.DEFAULT_MAX_DELAY_MS);
        assertThatThrownBy(() -> put(MessageConst.DELAY_MS, Long.toString(Long.MAX_VALUE)))
                .cause().isInstanceOf(InvalidDelayException.class);
    }

    @Test
    void malformedNegativeOrDoubleDelaysAreIllegal() {
        assertThatThrownBy(() -> put(MessageConst.DELAY_MS, "soon")).cause()
                .isInstanceOf(InvalidDelayException.class).hasMessageContaining("not a whole number");
        assertThatThrownBy(() -> put(MessageConst.DELAY_MS, "-5")).cause()
                .isInstanceOf(InvalidDelayException.class).hasMessageContaining(">= 0");
        MessageRecord both = MessageRecord.builder("orders", 0).body(new byte[] {1})
                .property(MessageConst.DELAY_MS, "5000").property(MessageConst.DELIVER_AT_MS, "1").build();
        assertThatThrownBy(() -> putter.putUserMessage(both, null).join()).cause()
                .isInstanceOf(InvalidDelayException.class).hasMessageContaining("set only one");
    }

    @Test
    void delayedMessagesAreRefusedWhenTheTimerIsDisabled() {
        TimerSettings d = TimerSettings.defaults();
        BrokerStore disabled = new BrokerStore(store, new HalfMessageDiversion(), new TimerDiversion(
                new TimerSettings(false, d.maxDelayMs(), d.precisionMs(), d.lookAheadMs(), d.rollWindowMs(),
                        d.maxInFlight()), () -> NOW));

        assertThatThrownBy(() -> disabled.putUserMessage(TimerTestStores.message("orders", 0, "b", "U",
                MessageConst.DELAY_MS, "5000"), null).join()).cause().isInstanceOf(InvalidDelayException.class).hasMessageContaining("timerEnable");
    }

    @Test
    void aBatchHoldingADelayedMessageIsRefused() {
        List<MessageRecord> batch = List.of(TimerTestStores.message("orders", 0, "a", "A", "k", "v"),
                TimerTestStores.message("orders", 0, "b", "B", MessageConst.DELAY_MS, "5000"));

        assertThatThrownBy(() -> putter.putUserMessages(batch).join()).cause()
                .isInstanceOf(InvalidDelayException.class).hasMessageContaining("message 1 of the batch");
    }
}
