package io.tidemq.client.admin;

import com.fasterxml.jackson.annotation.JsonProperty;

import java.util.List;

/**
 * What {@code admin group reset-offsets} would do (a dry run) or did: one row per queue of the topic.
 *
 * @param group         the consumer group
 * @param topic         the topic
 * @param onlineMembers the group's members connected to any broker when the plan was made
 * @param rows          one per queue, sorted by broker name and queue id
 * @param executed      whether the new offsets were committed
 */
public record OffsetResetPlan(String group, String topic, List<String> onlineMembers, List<Row> rows,
                              boolean executed) {

    public OffsetResetPlan {
        onlineMembers = List.copyOf(onlineMembers);
        rows = List.copyOf(rows);
    }

    /** This plan, marked executed. */
    public OffsetResetPlan asExecuted() {
        return new OffsetResetPlan(group, topic, onlineMembers, rows, true);
    }

    /** How many queues change. */
    public int changedQueues() {
        return (int) rows.stream().filter(Row::changes).count();
    }

    /**
     * One queue.
     *
     * @param brokerName  the broker group holding it
     * @param brokerAddr  the address the reset is written to (the group's master)
     * @param queueId     the queue
     * @param minOffset   the oldest offset still kept
     * @param maxOffset   one past the newest message
     * @param oldOffset   the committed offset; -1 when the group never committed on this queue
     * @param newOffset   the offset after the reset, within [minOffset, maxOffset]; -1 for a queue a file does not
     *                    list and the group never committed on (it stays uncommitted)
     */
    public record Row(String brokerName, String brokerAddr, int queueId, long minOffset, long maxOffset,
                      long oldOffset, long newOffset) {

        /** Whether the reset moves this queue. */
        public boolean changes() {
            return oldOffset != newOffset;
        }

        /**
         * Messages the move covers: positive when the group will consume that many messages again (or for the
         * first time), negative when it will skip that many; from the queue's minimum when nothing was committed.
         */
        @JsonProperty("messageDelta")
        public long messageDelta() {
            if (!changes()) {
                return 0;
            }
            long from = oldOffset < 0 ? minOffset : Math.max(oldOffset, minOffset);
            return from - newOffset;
        }

        /** Messages left to consume after the reset. */
        @JsonProperty("lagAfter")
        public long lagAfter() {
            return Math.max(0, maxOffset - Math.max(newOffset, minOffset));
        }
    }
}
