package io.tidemq.common.protocol.body;

import java.util.List;

/**
 * Body of the GET_WAITING_MESSAGES response (JSON): what one broker holds back. Delayed messages wait in the timer
 * until they are due; half messages of transactions wait for a commit or rollback. Both lists come from bounded
 * scans, and each part says whether its scan covered everything ({@code ...Complete}) and, in words, what it did
 * ({@code ...Note}).
 *
 * @param nowMs            the broker's clock when it answered
 * @param scheduledTotal   every message the timer holds (its own exact count, including ones being delivered now)
 * @param delayed          per destination topic, the delayed messages found waiting (due after {@code nowMs})
 * @param delayedComplete  whether the timer-topic scan reached every record that can still wait
 * @param delayedNote      what the scan covered
 * @param halves           the half messages found without a decision, oldest first, at most {@code MAX_LISTED}
 * @param halfWaiting      how many half messages without a decision the scan found
 * @param halvesComplete   whether the half-queue scan reached the queue's end
 * @param halvesNote       what the scan covered
 */
public record WaitingMessages(long nowMs, long scheduledTotal, List<DelayedTopic> delayed, boolean delayedComplete,
                              String delayedNote, List<WaitingHalf> halves, int halfWaiting, boolean halvesComplete,
                              String halvesNote) {

    /** The most messages listed: next due per topic, and oldest halves. */
    public static final int MAX_LISTED = 20;

    /**
     * The delayed messages of one topic.
     *
     * @param waiting how many the scan found waiting
     * @param next    the next ones due, earliest first, at most {@link #MAX_LISTED}
     */
    public record DelayedTopic(String topic, int waiting, List<Due> next) {
    }

    /** A delayed message: its id in the timer topic, the producer's unique id, and when it is due. */
    public record Due(String msgId, String uniqueKey, String keys, long storeTimestampMs, long deliverAtMs) {
    }

    /**
     * A half message without a decision.
     *
     * @param checkTimes how many times the broker asked the producer group for the transaction's state
     */
    public record WaitingHalf(String msgId, String transactionId, String producerGroup, String topic,
                              long storeTimestampMs, int checkTimes) {
    }
}
