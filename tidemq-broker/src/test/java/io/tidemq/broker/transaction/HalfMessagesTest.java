package io.tidemq.broker.transaction;

import io.tidemq.common.message.MessageConst;
import io.tidemq.common.message.SysFlag;
import io.tidemq.store.api.MessageRecord;
import io.tidemq.store.api.StoredMessage;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class HalfMessagesTest {

    private static final InetSocketAddress HOST = new InetSocketAddress("127.0.0.1", 10911);

    static StoredMessage stored(MessageRecord r, long physicalOffset) {
        return new StoredMessage(r.topic(), r.queueId(), r.flag(), r.sysFlag(), 0, physicalOffset, r.recordLength(),
                r.bornTimestampMs(), r.bornHostIpv4(), 1234, 99L, r.storeHostIpv4(), HOST.getPort(),
                r.reconsumeTimes(), r.preparedTransactionOffset(), r.body(), r.properties());
    }

    private static MessageRecord original() {
        return MessageRecord.builder("orders", 3).tags("T").uniqueKey("U1").property("user", "v")
                .property(MessageConst.TRANSACTION_PREPARED, "true").property(MessageConst.DELAY_MS, "5000")
                .body(new byte[] {1, 2}).flag(7).bornHost(HOST).storeHost(HOST).build();
    }

    @Test
    void aHalfKeepsTheMessageAndRemembersWhereItMustGo() {
        MessageRecord half = HalfMessages.toHalf(original(), "pg");

        assertThat(half.topic()).isEqualTo(TransactionTopics.HALF_TOPIC);
        assertThat(half.queueId()).isZero();
        assertThat(SysFlag.transactionType(half.sysFlag())).isEqualTo(SysFlag.TRANSACTION_PREPARED);
        assertThat(half.properties()).containsEntry(MessageConst.REAL_TOPIC, "orders")
                .containsEntry(MessageConst.REAL_QUEUE_ID, "3").containsEntry(MessageConst.PRODUCER_GROUP, "pg")
                .containsEntry(MessageConst.UNIQ_KEY, "U1").containsEntry(MessageConst.DELAY_MS, "5000");
        assertThat(half.flag()).isEqualTo(7);
    }

    @Test
    void theCommittedMessageGetsItsTopicAndPropertiesBackAndPointsAtItsHalf() {
        StoredMessage half = stored(HalfMessages.toHalf(original(), "pg"), 4096);

        MessageRecord real = HalfMessages.toRealMessage(half, HOST);

        assertThat(real.topic()).isEqualTo("orders");
        assertThat(real.queueId()).isEqualTo(3);
        assertThat(real.properties()).containsEntry(MessageConst.UNIQ_KEY, "U1").containsEntry("user", "v")
                .containsEntry(MessageConst.TAGS, "T").containsEntry(MessageConst.DELAY_MS, "5000")
                .doesNotContainKeys(MessageConst.TRANSACTION_PREPARED, MessageConst.REAL_TOPIC,
                        MessageConst.REAL_QUEUE_ID);
        assertThat(SysFlag.transactionType(real.sysFlag())).isEqualTo(SysFlag.TRANSACTION_COMMIT);
        assertThat(real.preparedTransactionOffset()).isEqualTo(4096);
        assertThat(real.body()).containsExactly(1, 2);
    }

    @Test
    void aHalfNeedsAProducerGroupToCheckBackWith() {
        MessageRecord noGroup = MessageRecord.builder("orders", 0).property(MessageConst.TRANSACTION_PREPARED, "true")
                .body(new byte[] {1}).build();

        assertThatThrownBy(() -> HalfMessages.toHalf(noGroup, null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("producer group");
        assertThat(HalfMessages.isPrepared(Map.of(MessageConst.TRANSACTION_PREPARED, "TRUE"))).isTrue();
        assertThat(HalfMessages.isPrepared(Map.of())).isFalse();
    }

    @Test
    void opRecordsReadBackAsWritten() {
        OpRecord check = OpRecord.checked(4096, 3);
        OpRecord commit = OpRecord.decided(TransactionDecision.COMMIT, 8192, "CHECK");

        assertThat(OpRecord.from(stored(check.toRecord("U1", HOST), 0))).isEqualTo(check);
        assertThat(OpRecord.from(stored(commit.toRecord("U2", HOST), 0))).isEqualTo(commit);
        assertThat(commit.decision()).isEqualTo(TransactionDecision.COMMIT);
        assertThat(check.decision()).isNull();
        assertThatThrownBy(() -> OpRecord.decided(TransactionDecision.UNKNOWN, 1, "X"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void decisionsParseCaseInsensitivelyAndNameTheAllowedValues() {
        assertThat(TransactionDecision.parse(" commit ")).isEqualTo(TransactionDecision.COMMIT);
        assertThatThrownBy(() -> TransactionDecision.parse("maybe"))
                .hasMessageContaining("COMMIT, ROLLBACK or UNKNOWN");
    }
}
