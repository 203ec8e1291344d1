package io.tidemq.client.offset;

import io.tidemq.common.message.MessageQueue;

/** The broker calls a {@link RemoteOffsetStore} needs; implemented over the wire by the client instance. */
public interface OffsetRemote {

    /** QUERY_CONSUMER_OFFSET: the committed offset, or {@link OffsetStore#NONE} when there is none. */
    long queryOffset(String group, MessageQueue mq);

    /**
     * UPDATE_CONSUMER_OFFSET, waiting for the broker's answer; throws on failure. The broker only moves the offset
     * forward: a smaller value than the one it has is ignored.
     *
     * @return the offset the broker kept: less than {@code offset} when it was past the queue's end
     */
    long commitOffset(String group, MessageQueue mq, long offset);

    /**
     * UPDATE_CONSUMER_OFFSET with {@code rewind}: sets the offset even below the broker's (a seek back).
     *
     * @return as {@link #commitOffset}
     */
    long rewindOffset(String group, MessageQueue mq, long offset);
}
