package io.tidemq.store.commitlog;

/**
 * What a dispatcher learns about one CommitLog record: enough to index it without reading the body.
 *
 * @param topic            the record's topic
 * @param queueId          the queue within the topic
 * @param commitLogOffset  physical offset of the record's first byte in the CommitLog
 * @param sizeBytes        total record length in bytes
 * @param tagsCode         hash of the record's tag (0 when it has none); see the storage format
 * @param storeTimestampMs when the broker stored the record, epoch millis
 * @param queueOffset      the logical offset the record holds in its queue
 * @param keys             business keys separated by a single space, or {@code null}
 * @param uniqueKey        the producer's unique message id, or {@code null}
 * @param sysFlag          the record's system flags (transaction state, compression, ...)
 */
public record DispatchRequest(
        String topic,
        int queueId,
        long commitLogOffset,
        int sizeBytes,
        long tagsCode,
        long storeTimestampMs,
        long queueOffset,
        String keys,
        String uniqueKey,
        int sysFlag) {
}
