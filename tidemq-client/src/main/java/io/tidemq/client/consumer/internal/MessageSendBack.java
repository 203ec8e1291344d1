package io.tidemq.client.consumer.internal;

import io.tidemq.client.instance.ClientInstance;

import io.tidemq.client.ClientException;
import io.tidemq.common.message.MessageExt;
import io.tidemq.common.message.MessageQueue;
import io.tidemq.common.protocol.header.Headers;

/**
 * Hands a message a clustering consumer failed to consume back to the broker that delivered it
 * (CONSUMER_SEND_MSG_BACK, synchronous): the broker stores a copy in {@code %RETRY%<group>} due after its
 * back-off, or in {@code %DLQ%<group>} once the message failed more than {@code maxReconsumeTimes} times.
 * Stateless; thread-safe.
 */
public final class MessageSendBack implements SendBack {

    private final ClientInstance instance;
    private final String group;
    private final int maxReconsumeTimes;

    public MessageSendBack(ClientInstance instance, String group, int maxReconsumeTimes) {
        this.instance = instance;
        this.group = group;
        this.maxReconsumeTimes = maxReconsumeTimes;
    }

    /**
     * Sends {@code msg}, delivered from {@code mq}, back.
     *
     * @return the broker's answer: the topic the copy went to, its reconsume count and when it is due
     * @throws ClientException when the broker is unknown, unreachable or refuses
     */
    public Headers.ConsumerSendMsgBackResponse sendBack(MessageQueue mq, MessageExt msg) {
        return sendBack(mq, msg, false);
    }

    /**
     * Like {@link #sendBack(MessageQueue, MessageExt)}; with {@code directToDlq} the copy goes to
     * {@code %DLQ%<group>} at once (an ordered consumer that already retried the message in place).
     */
    @Override
    public Headers.ConsumerSendMsgBackResponse sendBack(MessageQueue mq, MessageExt msg, boolean directToDlq) {
        String addr = instance.brokerAddress(mq.brokerName());
        if (addr == null) {
            throw new ClientException("broker " + mq.brokerName() + " of " + mq + " is not in the cached route;"
                    + " cannot send message " + msg.msgId() + " back for retry");
        }
        String what = "send-back " + (directToDlq ? "to the DLQ" : "for retry") + " of message " + msg.msgId()
                + " of group " + group;
        return instance.api().sendBack(what, addr, new Headers.ConsumerSendMsgBackRequest(group,
                msg.commitLogOffset(), msg.msgId(), msg.topic(), maxReconsumeTimes, directToDlq));
    }
}
