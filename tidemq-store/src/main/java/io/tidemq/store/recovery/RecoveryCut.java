package io.tidemq.store.recovery;

/**
 * One range of stored data that a recovery removed: a CommitLog tail, ConsumeQueue entries, key index files,
 * or files moved aside. Every cut is logged at WARN when it is made and listed in the recovery result.
 *
 * @param structure  what was cut: {@code commitlog}, {@code consumequeue/<topic>/<queueId>} or {@code index}
 * @param fromOffset first offset removed (a CommitLog physical offset, or a queue offset for a ConsumeQueue)
 * @param toOffset   one past the last offset removed
 * @param bytes      bytes removed from the structure's files
 * @param reason     why, in words an operator can act on
 */
public record RecoveryCut(String structure, long fromOffset, long toOffset, long bytes, String reason) {

    public static final String COMMIT_LOG = "commitlog";
    public static final String INDEX = "index";

    public static String consumeQueue(String topic, int queueId) {
        return "consumequeue/" + topic + "/" + queueId;
    }
}
