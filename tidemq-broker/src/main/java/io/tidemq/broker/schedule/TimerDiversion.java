package io.tidemq.broker.schedule;

import io.tidemq.broker.config.TimerSettings;
import io.tidemq.broker.store.BrokerStore;
import io.tidemq.broker.store.DelayDiversion;
import io.tidemq.common.message.MessageConst;
import io.tidemq.store.api.MessageRecord;

import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;

/**
 * The delay diversion of the broker's put door ({@link BrokerStore}): every message the broker stores on behalf of
 * someone (SEND_MESSAGE, retries via CONSUMER_SEND_MSG_BACK, transaction commits, timer deliveries) passes here, so
 * a message that must wait is diverted in one place:
 *
 * <ul>
 *   <li>no DELAY_MS / DELIVER_AT_MS: stored as it is;</li>
 *   <li>DELAY_MS below {@value #MIN_SCHEDULE_MS} ms, or DELIVER_AT_MS not in the future: stored in its topic at
 *       once, without the delay properties (a DELIVER_AT_MS in the future is always honoured: never early);</li>
 *   <li>otherwise: stored in {@value TimerRecords#TOPIC} with REAL_TOPIC / REAL_QID and DELIVER_AT_MS (DELAY_MS
 *       becomes DELIVER_AT_MS = receipt time + delay); the timer service delivers it when due;</li>
 *   <li>invalid (malformed, negative delay, both properties, beyond {@code timerMaxDelayMs}, delays disabled):
 *       {@link InvalidDelayException} (MESSAGE_ILLEGAL), and the put fails with it.</li>
 * </ul>
 *
 * The timer's own records ({@value TimerRecords#TOPIC} rolls, {@value TimerRecords#DEAD_LETTER_TOPIC}) keep
 * their DELIVER_AT_MS as data and are stored as they are. Thread-safe and lock-free.
 */
public final class TimerDiversion implements DelayDiversion {

    /** A DELAY_MS shorter than this is delivered at once (documented in docs/delayed-messages.md). */
    public static final long MIN_SCHEDULE_MS = 1_000;

    private final TimerSettings settings;
    private final LongSupplier clockMs;
    /** Messages diverted to the timer topic since start. */
    private final LongAdder scheduledPuts = new LongAdder();

    public TimerDiversion(TimerSettings settings, LongSupplier clockMs) {
        this.settings = settings;
        this.clockMs = clockMs;
    }

    @Override
    public MessageRecord divert(MessageRecord record) {
        if (TimerRecords.TOPIC.equals(record.topic()) || TimerRecords.DEAD_LETTER_TOPIC.equals(record.topic())) {
            return record;
        }
        return divertDelayed(record);
    }

    /** Delayed messages cannot be batched: a batch in which any message carries DELAY_MS / DELIVER_AT_MS fails. */
    @Override
    public void checkBatchable(List<MessageRecord> records) {
        for (int i = 0; i < records.size(); i++) {
            if (isDelayed(records.get(i).properties())) {
                throw new InvalidDelayException("message " + i + " of the batch carries DELAY_MS/DELIVER_AT_MS;"
                        + " delayed messages cannot be batched, send them one by one");
            }
        }
    }

    /** Whether the properties ask for a delay. */
    public static boolean isDelayed(Map<String, String> properties) {
        return properties.containsKey(MessageConst.DELAY_MS) || properties.containsKey(MessageConst.DELIVER_AT_MS);
    }

    /** Messages diverted to the timer topic since start. */
    public long scheduledPuts() {
        return scheduledPuts.sum();
    }

    private MessageRecord divertDelayed(MessageRecord record) {
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
