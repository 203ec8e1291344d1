package io.tidemq.client.impl;

import io.tidemq.client.ClientException;
import io.tidemq.client.RequestFailedException;
import io.tidemq.common.message.MessageExt;
import io.tidemq.common.message.MessageQueue;
import io.tidemq.common.protocol.RequestCode;
import io.tidemq.common.protocol.ResponseCode;
import io.tidemq.common.protocol.header.Headers;
import io.tidemq.remoting.protocol.RemotingCommand;

/**
 * Moves a message an ordered consumer gave up on to the group's dead-letter queue: CONSUMER_SEND_MSG_BACK with
 * {@code directToDlq}, to the broker that delivered it (it reads the original from its CommitLog). Stateless;
 * thread-safe.
 */
final class DeadLetterSender {

    private final ClientInstance instance;
    private final String group;
    private final int maxReconsumeTimes;

    DeadLetterSender(ClientInstance instance, String group, int maxReconsumeTimes) {
        this.instance = instance;
        this.group = group;
        this.maxReconsumeTimes = maxReconsumeTimes;
    }

    /**
     * Stores {@code msg}, delivered from {@code mq}, in {@code %DLQ%<group>} and returns that topic.
     *
     * @throws ClientException when the broker is unknown, unreachable or refuses
     */
    String send(MessageQueue mq, MessageExt msg) {
        String addr = instance.brokerAddress(mq.brokerName());
        if (addr == null) {
            throw new ClientException("broker " + mq.brokerName() + " of " + mq + " is not in the cached route");
        }
        RemotingCommand req = RemotingCommand.createRequest(RequestCode.CONSUMER_SEND_MSG_BACK)
                .writeHeader(new Headers.ConsumerSendMsgBackRequest(group, msg.commitLogOffset(), msg.msgId(),
                        msg.topic(), maxReconsumeTimes, true));
        String what = "dead-lettering of message " + msg.msgId() + " of group " + group;
        RemotingCommand resp = instance.api().call(what, addr, req);
        if (resp.code() != ResponseCode.SUCCESS.code()) {
            throw new RequestFailedException(what, addr, resp.code(), resp.remark());
        }
        return resp.readHeader(Headers.ConsumerSendMsgBackResponse.class).topic();
    }
}
