package io.tidemq.common.protocol.body;

import io.tidemq.common.names.NameValidator;

import java.util.Locale;

/**
 * A consumer group's configuration on a broker (body of UPDATE_SUBSCRIPTION_GROUP, JSON), set with
 * {@code tidemq admin group create|update}.
 *
 * @param groupName        the consumer group
 * @param consumeEnable    false: the broker refuses the group's pulls (NO_PERMISSION) until it is true again
 * @param retryMaxTimes    how often a message may fail before the broker moves it to {@code %DLQ%<group>}; it
 *                         overrides the {@code maxReconsumeTimes} the consumer sends
 * @param consumeFromWhere where a queue the group never committed on starts: {@code FIRST_OFFSET} (the oldest
 *                         message kept) or {@code LAST_OFFSET} (the queue's end); the broker answers the group's
 *                         offset query with it. Null: the consumers' own consumeFromWhere decides
 */
public record SubscriptionGroupConfig(String groupName, boolean consumeEnable, int retryMaxTimes,
                                      String consumeFromWhere) {

    /** The highest retryMaxTimes accepted (the broker's limit for maxReconsumeTimes as well). */
    public static final int MAX_RETRY_TIMES = 1_000;
    public static final int DEFAULT_RETRY_TIMES = 16;
    public static final String FIRST_OFFSET = "FIRST_OFFSET";
    public static final String LAST_OFFSET = "LAST_OFFSET";

    /** A configuration with the defaults: consumption on, 16 retries, the consumers choose where new queues start. */
    public static SubscriptionGroupConfig defaults(String group) {
        return new SubscriptionGroupConfig(group, true, DEFAULT_RETRY_TIMES, null);
    }

    /**
     * The configuration with {@code consumeFromWhere} in canonical form.
     *
     * @throws io.tidemq.common.names.InvalidNameException when the group name is invalid
     * @throws IllegalArgumentException                  naming the field and its allowed values otherwise
     */
    public SubscriptionGroupConfig checked() {
        NameValidator.checkGroup(groupName);
        if (retryMaxTimes < 0 || retryMaxTimes > MAX_RETRY_TIMES) {
            throw new IllegalArgumentException("retryMaxTimes must be in [0, " + MAX_RETRY_TIMES + "], was "
                    + retryMaxTimes);
        }
        return new SubscriptionGroupConfig(groupName, consumeEnable, retryMaxTimes, startPosition(consumeFromWhere));
    }

    /**
     * {@code FIRST_OFFSET} or {@code LAST_OFFSET} from either spelling ({@code first}, {@code LAST_OFFSET}, ...);
     * null for null or {@code consumer} (the consumers decide).
     */
    public static String startPosition(String text) {
        if (text == null) {
            return null;
        }
        return switch (text.trim().toUpperCase(Locale.ROOT)) {
            case "FIRST", FIRST_OFFSET -> FIRST_OFFSET;
            case "LAST", LAST_OFFSET -> LAST_OFFSET;
            case "CONSUMER" -> null;
            default -> throw new IllegalArgumentException("consumeFromWhere must be first (FIRST_OFFSET), last"
                    + " (LAST_OFFSET) or consumer (the consumers decide), was '" + text + "'");
        };
    }
}
