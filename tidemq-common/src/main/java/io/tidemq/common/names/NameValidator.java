package io.tidemq.common.names;

/**
 * The naming rules for topics, consumer/producer groups, lanes and clusters.
 *
 * <p>Names use {@code [A-Za-z0-9_-]} plus {@code %} and {@code |} for system names. Topics are at most
 * {@value #MAX_TOPIC_LENGTH} characters (the store keeps the length in one byte); groups at most
 * {@value #MAX_GROUP_LENGTH}. Prefixes {@value #RETRY_PREFIX}, {@value #DLQ_PREFIX} and
 * {@value #SYSTEM_TOPIC_PREFIX} are reserved for topics the broker creates itself.
 */
public final class NameValidator {

    public static final int MAX_TOPIC_LENGTH = 127;
    public static final int MAX_GROUP_LENGTH = 255;
    public static final int MAX_LANE_LENGTH = 64;
    public static final String RETRY_PREFIX = "%RETRY%";
    public static final String DLQ_PREFIX = "%DLQ%";
    public static final String SYSTEM_TOPIC_PREFIX = "TIDEMQ_SYS_";
    /**
     * Registered by every broker with {@code autoCreateTopic} on. Its route is the default route a producer
     * uses for a topic no NameServer knows yet: the send reaches a broker that creates the topic on arrival.
     */
    public static final String AUTO_CREATE_TOPIC = SYSTEM_TOPIC_PREFIX + "AUTO_CREATE";

    private NameValidator() {
    }

    /** Checks a topic name a client may use (system and retry/DLQ topics included, for consuming them). */
    public static void checkTopic(String topic) {
        checkChars("topic", topic, MAX_TOPIC_LENGTH, true);
    }

    /** Checks a topic name a user may create or send to: no reserved prefix. */
    public static void checkUserTopic(String topic) {
        checkTopic(topic);
        if (isSystemTopic(topic)) {
            throw new InvalidNameException("topic '" + topic + "' uses a reserved prefix (" + RETRY_PREFIX + ", "
                    + DLQ_PREFIX + ", " + SYSTEM_TOPIC_PREFIX + "); choose another name");
        }
    }

    public static void checkGroup(String group) {
        checkChars("group", group, MAX_GROUP_LENGTH, false);
    }

    public static void checkLane(String lane) {
        checkChars("lane", lane, MAX_LANE_LENGTH, false);
    }

    public static void checkCluster(String cluster) {
        checkChars("cluster", cluster, MAX_GROUP_LENGTH, false);
    }

    public static void checkBrokerName(String brokerName) {
        checkChars("broker name", brokerName, MAX_GROUP_LENGTH, false);
    }

    /** Whether the broker owns this topic (retry, DLQ, or internal). */
    public static boolean isSystemTopic(String topic) {
        return topic.startsWith(RETRY_PREFIX) || topic.startsWith(DLQ_PREFIX) || topic.startsWith(SYSTEM_TOPIC_PREFIX);
    }

    public static String retryTopic(String group) {
        return RETRY_PREFIX + group;
    }

    public static String dlqTopic(String group) {
        return DLQ_PREFIX + group;
    }

    private static void checkChars(String what, String name, int maxLength, boolean allowSystemChars) {
        if (name == null || name.isEmpty()) {
            throw new InvalidNameException(what + " name is empty: give a name of 1 to " + maxLength + " characters");
        }
        if (name.length() > maxLength) {
            throw new InvalidNameException(what + " name '" + name.substring(0, 16) + "...' is " + name.length()
                    + " characters long; the limit is " + maxLength);
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || c == '_' || c == '-' || (allowSystemChars && (c == '%' || c == '|'));
            if (!ok) {
                throw new InvalidNameException(what + " name '" + name + "' contains '" + c + "' at index " + i
                        + "; use only letters, digits, '_' and '-'");
            }
        }
    }
}
