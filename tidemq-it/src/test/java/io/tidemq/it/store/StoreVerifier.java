package io.tidemq.it.store;

import io.tidemq.store.DefaultMessageStore;
import io.tidemq.store.api.GetResult;
import io.tidemq.store.api.GetStatus;
import io.tidemq.store.api.StoredMessage;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Checks a recovered store against the independent {@link CommitLogWalk} and, when asked, against the appends
 * a crashed child acknowledged. Every failure message names the offsets involved.
 */
final class StoreVerifier {

    /** What one verification saw. */
    record Summary(int records, int acknowledged, long endOffset) {
    }

    /** What the crash test needs of a record, without holding its body. */
    private record Seen(String topic, int queueId, long queueOffset, String bodyHash) {
    }

    private final DefaultMessageStore store;

    StoreVerifier(DefaultMessageStore store) {
        this.store = store;
    }

    Summary verify(List<AckLine> acknowledged) {
        long end = store.commitLogMaxOffset();
        List<Long> offsets = CommitLogWalk.recordOffsets(store.config().commitLogDir(),
                store.config().commitLogFileBytes(), end);
        Map<Long, Seen> records = readEveryRecord(offsets);
        checkQueuesMatchCommitLog(records);
        for (AckLine ack : acknowledged) {
            checkAcknowledged(ack, records);
        }
        assertThat(store.stats().corruptRecords()).as("corrupt CommitLog ranges reported by the store").isZero();
        assertThat(store.stats().corruptReads()).as("reads the store refused as corrupt").isZero();
        return new Summary(records.size(), acknowledged.size(), end);
    }

    /** Every record below the end reads back through the store (CRC-checked) with an intact body. */
    private Map<Long, Seen> readEveryRecord(List<Long> offsets) {
        Map<Long, Seen> records = new HashMap<>(offsets.size() * 2);
        for (long offset : offsets) {
            StoredMessage message = store.readByPhysicalOffset(offset);
            assertThat(message.physicalOffset()).as("physical offset of the record at %d", offset).isEqualTo(offset);
            assertThat(CrashBody.check(message.body())).as("body of the record at %d", offset).isNull();
            records.put(offset, new Seen(message.topic(), message.queueId(), message.queueOffset(),
                    CrashBody.hash(message.body())));
        }
        return records;
    }

    /**
     * Every queue, scanned fully with getMessages, holds exactly the CommitLog's records of that queue, at
     * consecutive queue offsets from 0 with no gap (a skipped corrupt or mismatched entry would leave one).
     */
    private void checkQueuesMatchCommitLog(Map<Long, Seen> records) {
        Map<Long, Seen> unseen = new HashMap<>(records);
        for (String topic : store.topics()) {
            for (int queueId : store.queueIds(topic)) {
                String queue = topic + "-" + queueId;
                assertThat(store.minQueueOffset(topic, queueId)).as("min offset of %s", queue).isZero();
                long max = store.maxQueueOffset(topic, queueId);
                long next = 0;
                while (next < max) {
                    GetResult got = store.getMessages(topic, queueId, next, 512, Long.MAX_VALUE, null);
                    assertThat(got.status()).as("getMessages(%s, %d) below max %d", queue, next, max)
                            .isEqualTo(GetStatus.FOUND);
                    for (StoredMessage message : got.messages()) {
                        assertThat(message.queueOffset()).as("queue offset served by %s (a gap means an entry was"
                                + " skipped)", queue).isEqualTo(next);
                        assertThat(message.topic() + "-" + message.queueId()).as("queue of the record %s serves at"
                                + " %d", queue, next).isEqualTo(queue);
                        assertThat(CrashBody.check(message.body())).as("body served by %s at %d", queue, next).isNull();
                        Seen inLog = unseen.remove(message.physicalOffset());
                        assertThat(inLog).as("%s offset %d points at CommitLog offset %d, which is not a record start"
                                + " (or is served twice)", queue, next, message.physicalOffset()).isNotNull();
                        next++;
                    }
                    assertThat(got.nextBeginOffset()).as("nextBeginOffset of %s", queue).isEqualTo(next);
                }
            }
        }
        assertThat(unseen.keySet()).as("CommitLog records that no ConsumeQueue serves").isEmpty();
    }

    private void checkAcknowledged(AckLine ack, Map<Long, Seen> records) {
        Seen message = records.get(ack.physicalOffset());
        assertThat(message).as("acknowledged %s: no record starts at its offset (recovered end %d)", ack,
                store.commitLogMaxOffset()).isNotNull();
        assertThat(message.topic()).as("topic of acknowledged %s", ack).isEqualTo(ack.topic());
        assertThat(message.queueId()).as("queue of acknowledged %s", ack).isEqualTo(ack.queueId());
        assertThat(message.queueOffset()).as("queue offset of acknowledged %s", ack).isEqualTo(ack.queueOffset());
        assertThat(message.bodyHash()).as("body of acknowledged %s", ack).isEqualTo(ack.bodyHash());
        StoredMessage byId = store.lookByMessageId(ack.msgId());
        assertThat(byId.physicalOffset()).as("lookByMessageId(%s)", ack.msgId()).isEqualTo(ack.physicalOffset());
        assertThat(CrashBody.hash(byId.body())).as("body found by id %s", ack.msgId()).isEqualTo(ack.bodyHash());
    }
}
