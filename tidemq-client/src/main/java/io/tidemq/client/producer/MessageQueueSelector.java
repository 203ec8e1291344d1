package io.tidemq.client.producer;

import io.tidemq.common.message.Message;
import io.tidemq.common.message.MessageQueue;

import java.util.List;

/**
 * Picks the queue of a message, for ordered sends: messages that must stay in order (one order's events)
 * go to the same queue when the selector maps their {@code arg} (the order id) to the same queue.
 */
@FunctionalInterface
public interface MessageQueueSelector {

    /**
     * @param queues the topic's writable queues, sorted (stable while the route does not change)
     * @param msg    the message being sent
     * @param arg    the argument given to {@code send}, typically the ordering key
     * @return one of {@code queues}
     */
    MessageQueue select(List<MessageQueue> queues, Message msg, Object arg);

    /** Same {@code arg} (by {@code hashCode}) → same queue. */
    static MessageQueueSelector byHash() {
        return (queues, msg, arg) -> queues.get(Math.floorMod(arg == null ? 0 : arg.hashCode(), queues.size()));
    }
}
