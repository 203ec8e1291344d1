package io.tidemq.client.consumer.internal;

import io.tidemq.common.message.MessageExt;
import io.tidemq.common.message.MessageQueue;
import io.tidemq.common.protocol.header.Headers;

/** Where a clustering consumer hands a message it failed to consume: see {@link MessageSendBack}. */
@FunctionalInterface
public interface SendBack {

    /**
     * Hands {@code msg}, delivered from {@code mq}, to the broker for retry, or to the group's DLQ with
     * {@code directToDlq}.
     *
     * @return the broker's answer: the topic the copy went to, its reconsume count and when it is due
     * @throws io.tidemq.client.RequestFailedException when the broker refuses
     * @throws io.tidemq.client.ClientException        when the broker is unknown or unreachable
     */
    Headers.ConsumerSendMsgBackResponse sendBack(MessageQueue mq, MessageExt msg, boolean directToDlq);
}
