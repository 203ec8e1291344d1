package io.tidemq.store.api;

import java.util.List;

/**
 * Answer to {@code getMessages}.
 *
 * @param status          see {@link GetStatus}
 * @param nextBeginOffset the queue offset to ask for next
 * @param minOffset       the queue's smallest readable offset
 * @param maxOffset       one past the queue's last offset
 * @param messages        the messages, in queue order (empty unless FOUND)
 */
public record GetResult(GetStatus status, long nextBeginOffset, long minOffset, long maxOffset,
                        List<StoredMessage> messages) {

    public GetResult {
        messages = List.copyOf(messages);
    }
}
