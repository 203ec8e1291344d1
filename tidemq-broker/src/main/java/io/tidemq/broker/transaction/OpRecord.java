package io.tidemq.broker.transaction;

import io.tidemq.common.message.MessageConst;
import io.tidemq.store.api.MessageRecord;
import io.tidemq.store.api.StoredMessage;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

/**
 * One record of {@link TransactionTopics#OP_TOPIC}: what happened to a half message. The half is named by
 * its CommitLog offset. Layout (message properties; the body repeats them as text for people reading the
 * topic with admin tools):
 * <pre>
 *   TAGS             COMMIT | ROLLBACK | CHECK
 *   TRAN_HALF_OFFSET the half's CommitLog offset
 *   TRAN_CHECK_TIMES CHECK only: how many check-backs have been sent for the half, this one included
 *   TRAN_OP_SOURCE   PRODUCER (END_TRANSACTION), CHECK (END_TRANSACTION answering a check-back),
 *                    CHECK_MAX (the broker rolled back after transactionCheckMax check-backs), SCAN (CHECK records)
 *   UNIQ_KEY         the transaction id, so the key index finds the history of one transaction
 * </pre>
 *
 * @param type       what happened
 * @param halfOffset the half's CommitLog offset
 * @param checkTimes for CHECK, the check-backs sent so far; 0 otherwise
 * @param source     who caused it (see above)
 */
public record OpRecord(Type type, long halfOffset, int checkTimes, String source) {

    static final String HALF_OFFSET = "TRAN_HALF_OFFSET";
    static final String CHECK_TIMES = "TRAN_CHECK_TIMES";
    static final String SOURCE = "TRAN_OP_SOURCE";

    /** What an op record says. */
    public enum Type { COMMIT, ROLLBACK, CHECK }

    public static OpRecord decided(TransactionDecision decision, long halfOffset, String source) {
        Type type = switch (decision) {
            case COMMIT -> Type.COMMIT;
            case ROLLBACK -> Type.ROLLBACK;
            case UNKNOWN -> throw new IllegalArgumentException("UNKNOWN is not a decision to record");
        };
        return new OpRecord(type, halfOffset, 0, source);
    }

    public static OpRecord checked(long halfOffset, int checkTimes) {
        return new OpRecord(Type.CHECK, halfOffset, checkTimes, "SCAN");
    }

    /** The decision this record makes final, or {@code null} for a CHECK. */
    public TransactionDecision decision() {
        return switch (type) {
            case COMMIT -> TransactionDecision.COMMIT;
            case ROLLBACK -> TransactionDecision.ROLLBACK;
            case CHECK -> null;
        };
    }

    public MessageRecord toRecord(String transactionId, InetSocketAddress storeHost) {
        String text = type + " " + halfOffset + (type == Type.CHECK ? " " + checkTimes : "") + " " + source;
        MessageRecord.Builder b = MessageRecord.builder(TransactionTopics.OP_TOPIC, TransactionTopics.QUEUE_ID)
                .tags(type.name())
                .property(HALF_OFFSET, Long.toString(halfOffset))
                .property(SOURCE, source)
                .uniqueKey(transactionId)
                .storeHost(storeHost)
                .bornHost(storeHost)
                .body(text.getBytes(StandardCharsets.UTF_8));
        if (type == Type.CHECK) {
            b.property(CHECK_TIMES, Integer.toString(checkTimes));
        }
        return b.build();
    }

    /**
     * Reads an op record back.
     *
     * @throws IllegalArgumentException when the message is not a well-formed op record
     */
    public static OpRecord from(StoredMessage m) {
        String tag = m.tags();
        String offset = m.property(HALF_OFFSET);
        if (tag == null || offset == null) {
            throw new IllegalArgumentException("op record at offset " + m.physicalOffset() + " lacks "
                    + MessageConst.TAGS + " or " + HALF_OFFSET);
        }
        Type type = Type.valueOf(tag);
        String checks = m.property(CHECK_TIMES);
        String source = m.property(SOURCE);
        return new OpRecord(type, Long.parseLong(offset), checks == null ? 0 : Integer.parseInt(checks),
                source == null ? "" : source);
    }
}
