package io.tidemq.broker.store;

import io.tidemq.broker.config.TimerSettings;
import io.tidemq.broker.schedule.TimerDiversion;
import io.tidemq.broker.schedule.TimerRecords;
import io.tidemq.broker.transaction.HalfMessageDiversion;
import io.tidemq.broker.transaction.TransactionTopics;
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

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Which diversion each door of {@link BrokerStore} applies, on a real store. */
class BrokerStoreTest {

    private static final long NOW = 1_700_000_000_000L;
    private static final InetSocketAddress HOST = new InetSocketAddress("127.0.0.1", 10911);

    @TempDir
    Path dir;

    private DefaultMessageStore store;
    private BrokerStore door;

    @BeforeEach
    void start() {
        store = new DefaultMessageStore(StoreConfig.builder(dir).commitLogFileBytes(1 << 20).maxMessageBytes(64 * 1024)
                .consumeQueueEntriesPerFile(1_000).warmMappedFiles(false).preallocateNextFile(false)
                .indexHashSlots(1024).indexMaxEntriesPerFile(4096).build());
        store.start();
        door = new BrokerStore(store, new HalfMessageDiversion(), new TimerDiversion(TimerSettings.defaults(), () -> NOW));
    }

    @AfterEach
    void stop() {
        store.close();
    }

    private static MessageRecord message(String topic, String property, String value) {
        return MessageRecord.builder(topic, 2)
                .body("b".getBytes(StandardCharsets.UTF_8))
                .uniqueKey("U1")
                .property(property, value)
                .bornHost(HOST)
                .storeHost(HOST)
                .build();
    }

    private StoredMessage stored(PutResult result) {
        return store.readByPhysicalOffset(result.physicalOffset());
    }

    @Test
    void aTransactionHalfFromAProducerGoesToTheHalfTopicWithItsDelayKeptForTheCommit() {
        MessageRecord prepared = MessageRecord.builder("orders", 2).body(new byte[] {1}).uniqueKey("TX1")
                .property(MessageConst.TRANSACTION_PREPARED, "true")
                .property(MessageConst.DELAY_MS, "5000")
                .bornHost(HOST).storeHost(HOST).build();

        StoredMessage half = stored(door.putUserMessage(prepared, "pay-tx").join());

        assertThat(half.topic()).isEqualTo(TransactionTopics.HALF_TOPIC);
        assertThat(half.properties()).containsEntry(MessageConst.REAL_TOPIC, "orders")
                .containsEntry(MessageConst.PRODUCER_GROUP, "pay-tx")
                .containsEntry(MessageConst.DELAY_MS, "5000");
    }

    @Test
    void aHalfThatNamesNoProducerGroupIsRefusedAndNothingIsStored() {
        MessageRecord prepared = message("orders", MessageConst.TRANSACTION_PREPARED, "true");

        assertThatThrownBy(() -> door.putUserMessage(prepared, null)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("producer group");
        assertThat(store.commitLogMaxOffset()).isZero();
    }

    @Test
    void aDelayedUserMessageWaitsInTheTimerTopic() {
        StoredMessage m = stored(door.putUserMessage(message("orders", MessageConst.DELAY_MS, "5000"), null).join());

        assertThat(m.topic()).isEqualTo(TimerRecords.TOPIC);
        assertThat(m.properties()).containsEntry(MessageConst.REAL_TOPIC, "orders")
                .containsEntry(MessageConst.DELIVER_AT_MS, Long.toString(NOW + 5_000));
    }

    @Test
    void aSystemCopyAskingForADelayWaitsInTheTimerLikeAUserMessage() {
        String retryTopic = "%RETRY%group";
        StoredMessage m = stored(door.putSystemMessage(message(retryTopic, MessageConst.DELAY_MS, "10000")).join());

        assertThat(m.topic()).isEqualTo(TimerRecords.TOPIC);
        assertThat(m.properties()).containsEntry(MessageConst.REAL_TOPIC, retryTopic)
                .containsEntry(MessageConst.DELIVER_AT_MS, Long.toString(NOW + 10_000));
    }

    @Test
    void theTimersOwnRecordsAreStoredAsTheyAreThoughTheyCarryADueTime() {
        String due = Long.toString(NOW + 60_000);
        MessageRecord roll = MessageRecord.builder(TimerRecords.TOPIC, TimerRecords.QUEUE_ID)
                .body(new byte[] {1})
                .property(MessageConst.DELIVER_AT_MS, due)
                .property(MessageConst.REAL_TOPIC, "orders")
                .property(MessageConst.REAL_QUEUE_ID, "2")
                .bornHost(HOST).storeHost(HOST).build();
        MessageRecord deadLetter = MessageRecord.builder(TimerRecords.DEAD_LETTER_TOPIC, TimerRecords.QUEUE_ID)
                .body(new byte[] {1})
                .property(MessageConst.DELIVER_AT_MS, due)
                .bornHost(HOST).storeHost(HOST).build();

        StoredMessage rolled = stored(door.putSystemMessage(roll).join());
        StoredMessage parked = stored(door.putSystemMessage(deadLetter).join());

        assertThat(rolled.topic()).isEqualTo(TimerRecords.TOPIC);
        assertThat(rolled.properties()).containsEntry(MessageConst.REAL_TOPIC, "orders")
                .containsEntry(MessageConst.DELIVER_AT_MS, due);
        assertThat(parked.topic()).isEqualTo(TimerRecords.DEAD_LETTER_TOPIC);
        assertThat(parked.properties()).containsEntry(MessageConst.DELIVER_AT_MS, due);
    }

    @Test
    void aSystemMessageIsNeverTurnedIntoAHalf() {
        StoredMessage m = stored(door.putSystemMessage(message("orders", MessageConst.TRANSACTION_PREPARED, "true"))
                .join());

        assertThat(m.topic()).isEqualTo("orders");
    }
}
