package io.tidemq.it.store;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One acknowledged append as the crash child prints it, only after the put's future completed:
 * {@code ACK <physOffset> <topic> <queueId> <queueOffset> <msgId> <bodyHash>}. The message id and the hash
 * have fixed widths and the line must match whole, so a line cut short by the kill never parses.
 */
record AckLine(long physicalOffset, String topic, int queueId, long queueOffset, String msgId, String bodyHash) {

    static final String PREFIX = "ACK ";
    private static final Pattern FORMAT =
            Pattern.compile("ACK (\\d+) (\\S+) (\\d+) (\\d+) ([0-9A-F]{32}) ([0-9a-f]{16})");

    String format() {
        return PREFIX + physicalOffset + " " + topic + " " + queueId + " " + queueOffset + " " + msgId + " " + bodyHash;
    }

    /** The acknowledged append a line reports, or null when the line is not a whole ACK line. */
    static AckLine parse(String line) {
        Matcher m = FORMAT.matcher(line);
        if (!m.matches()) {
            return null;
        }
        return new AckLine(Long.parseLong(m.group(1)), m.group(2), Integer.parseInt(m.group(3)),
                Long.parseLong(m.group(4)), m.group(5), m.group(6));
    }
}
