package io.tidemq.broker.store;

import io.tidemq.store.api.InvalidMessageException;
import io.tidemq.store.api.MessageRecord;

import java.util.List;

/**
 * How {@link BrokerStore} parks a message that asks to wait (DELAY_MS / DELIVER_AT_MS) until it is due. The rules
 * live with the timer ({@code broker.schedule.TimerDiversion}); this interface keeps the put door free of them.
 * Implementations are thread-safe.
 */
public interface DelayDiversion {

    /**
     * The record to store for {@code record}: itself when it asks for no delay (or is one of the timer's own
     * records, whose due time is data, not a request); a copy without the delay properties when the delay is too
     * short to schedule; otherwise the copy that waits in the timer topic.
     *
     * @throws InvalidMessageException when the delay cannot be honoured (the put fails with it, nothing stored)
     */
    MessageRecord divert(MessageRecord record);

    /**
     * Checks that no message of a batch asks for a delay: delayed messages cannot be batched.
     *
     * @throws InvalidMessageException naming the first delayed message of the batch
     */
    void checkBatchable(List<MessageRecord> batch);
}
