package io.tidemq.broker.schedule;

import io.tidemq.broker.ha.PutGate;
import io.tidemq.common.message.MessageConst;
import io.tidemq.store.DefaultMessageStore;
import io.tidemq.store.api.MessageRecord;
import io.tidemq.store.api.PutResult;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;

/**
 * The broker's one put path. Every message the broker stores on behalf of someone (SEND_MESSAGE, retries via
 * CONSUMER_SEND_MSG_BACK, transaction commits, timer deliveries) goes through here, so a message that must wait is
 * diverted in one place:
 *
 * <ul>
 *   <li>no DELAY_MS / DELIVER_AT_MS: stored as it is;</li>
 *   <li>DELAY_MS below {@value #MIN_SCHEDULE_MS} ms, or DELIVER_AT_MS not in the future: stored in its topic at
 *       once, without the delay properties (a DELIVER_AT_MS in the future is always honoured: never early);</li>
 *   <li>otherwise: stored in {@value TimerRecords#TOPIC} with REAL_TOPIC / REAL_QID and DELIVER_AT_MS (DELAY_MS
 *       becomes DELIVER_AT_MS = receipt time + delay); the timer service delivers it when due;</li>
 *   <li>invalid (malformed, negative delay, both properties, beyond {@code timerMaxDelayMs}, delays disabled):
 *       the future fails with {@link InvalidDelayException} (MESSAGE_ILLEGAL).</li>
 * </ul>
 *
 * The returned {@link PutResult} describes the record actually written: for a scheduled message that is the copy
 * in the timer topic. Thread-safe and lock-free.
 */
public final class BrokerMessagePutter {

    /** A DELAY_MS shorter than this is delivered at once (documented in docs/delayed-messages.md). */
    public static final long MIN_SCHEDULE_MS = 1_000;

    private final DefaultMessageStore store;
    private final TimerSettings settings;
    private final LongSupplier clockMs;
    /** Replication's hold on every put (refusal on a slave, SYNC acknowledgement); set once at start. */
    private volatile PutGate gate = PutGate.NONE;
    /** Messages diverted to the timer topic since start. */
    private final LongAdder scheduledPuts = new LongAdder();

    public BrokerMessagePutter(DefaultMessageStore store, TimerSettings settings, LongSupplier clockMs) {
        this.store = store;
        this.settings = settings;
        this.clockMs = clockMs;
    }

    /**
     * Stores one message, diverting it to the timer topic when it is delayed.
     *
     * @return completes with where the record landed, or exceptionally with {@link InvalidDelayException} or the
     *         store's typed exception
     */
    public CompletableFuture<PutResult> putMessage(MessageRecord record) {
        MessageRecord toStore;
        try {
            toStore = divert(record);
        } catch (InvalidDelayException e) {
            return CompletableFuture.failedFuture(e);
        }
        return gate.put(() -> store.putMessage(toStore));
    }

    /**
     * Stores a batch (one topic and queue, contiguous). Delayed messages cannot be batched: a batch in which any
     * message carries DELAY_MS / DELIVER_AT_MS fails with {@link InvalidDelayException}.
     */
    public CompletableFuture<PutResult> putMessages(List<MessageRecord> records) {
        for (int i = 0; i < records.size(); i++) {
            if (isDelayed(records.get(i).properties())) {
                return CompletableFuture.failedFuture(new InvalidDelayException("message " + i + " of the batch"
                        + " carries DELAY_MS/DELIVER_AT_MS; delayed messages cannot be batched, send them one by one"));
            }
        }
        return gate.put(() -> store.putMessages(records));
    }

    /** Routes every later put through {@code replication} (the broker's start, before requests are served). */
    public void setGate(PutGate replication) {
        this.gate = replication;
    }

    /** Whether the properties ask for a delay. */
    public static boolean isDelayed(Map<String, String> properties) {
        return properties.containsKey(MessageConst.DELAY_MS) || properties.containsKey(MessageConst.DELIVER_AT_MS);
    }

    /** Messages diverted to the timer topic since start. */
    public long scheduledPuts() {
        return scheduledPuts.sum();
    }

    private MessageRecord divert(MessageRecord record) {
        Map<String, String> props = record.properties();
        if (!isDelayed(props)) {
            return record;
        }
        if (!settings.enabled()) {
            throw new InvalidDelayException("delayed messages are disabled on this broker (timerEnable=false);"
                    + " send without DELAY_MS/DELIVER_AT_MS or enable the timer");
        }
        long nowMs = clockMs.getAsLong();
        long deliverAtMs = deliverAtMs(props, nowMs);
        long delayMs = deliverAtMs - nowMs;
        if (delayMs > settings.maxDelayMs()) {
            throw new InvalidDelayException("the message is due in " + delayMs + " ms, beyond this broker's"
                    + " timerMaxDelayMs=" + settings.maxDelayMs() + "; schedule it at most that far ahead");
        }
        boolean shortDelay = !props.containsKey(MessageConst.DELIVER_AT_MS) && delayMs < MIN_SCHEDULE_MS;
        if (shortDelay || delayMs <= 0) {
            return TimerRecords.withoutDelay(record);
        }
        scheduledPuts.increment();
        return TimerRecords.scheduledCopy(record, deliverAtMs);
    }

    private static long deliverAtMs(Map<String, String> props, long nowMs) {
        String at = props.get(MessageConst.DELIVER_AT_MS);
        String delay = props.get(MessageConst.DELAY_MS);
        if (at != null && delay != null) {
            throw new InvalidDelayException("the message carries both DELIVER_AT_MS and DELAY_MS; set only one");
        }
        if (at != null) {
            return parse(MessageConst.DELIVER_AT_MS, at);
        }
        long delayMs = parse(MessageConst.DELAY_MS, delay);
        if (delayMs < 0) {
            throw new InvalidDelayException("DELAY_MS must be >= 0, was " + delayMs);
        }
        return nowMs + Math.min(delayMs, Long.MAX_VALUE / 4); // no overflow: the range check rejects it
    }

    private static long parse(String name, String value) {
        try {
            return Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            throw new InvalidDelayException(name + " = '" + value + "' is not a whole number of milliseconds");
        }
    }
}
