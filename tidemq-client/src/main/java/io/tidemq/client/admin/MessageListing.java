package io.tidemq.client.admin;

import java.util.List;

/**
 * The answer of {@code admin message list}: every queue read, and whether all of them were read to the end of
 * the range. {@code complete=false} is the explicit "incomplete" marker: some messages in the range were not
 * returned because of the bound per queue.
 *
 * @param queues   one entry per queue read, sorted by broker name and queue id
 * @param complete whether every queue was read to the end of the range
 */
public record MessageListing(List<QueueMessages> queues, boolean complete) {

    public MessageListing {
        queues = List.copyOf(queues);
    }

    /** Messages returned, over every queue. */
    public int messageCount() {
        return queues.stream().mapToInt(q -> q.messages().size()).sum();
    }
}
