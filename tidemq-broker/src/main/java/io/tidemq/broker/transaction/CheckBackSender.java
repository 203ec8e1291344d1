package io.tidemq.broker.transaction;

import io.tidemq.broker.wire.DeliveredEncoder;
import io.tidemq.common.message.MessageCodec;
import io.tidemq.common.protocol.RequestCode;
import io.tidemq.common.protocol.header.Headers;
import io.tidemq.remoting.RemotingChannel;
import io.tidemq.remoting.RemotingServer;
import io.tidemq.remoting.protocol.RemotingCommand;
import io.tidemq.store.api.StoredMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;

/**
 * Sends CHECK_TRANSACTION_STATE, one-way, to a live member of the half's producer group, taking the members in
 * turn so a member that stopped answering (or died with its connection still open) does not get every check.
 * The member answers with END_TRANSACTION ({@code fromCheck=true}).
 *
 * <p>Used by the check thread only.
 */
final class CheckBackSender {

    private static final Logger LOG = LoggerFactory.getLogger(CheckBackSender.class);

    private final RemotingServer server;
    private final ProducerChannels producers;
    private final DeliveredEncoder encoder = new DeliveredEncoder();
    /** Round-robin position; check thread only. */
    private int cursor;

    CheckBackSender(RemotingServer server, ProducerChannels producers) {
        this.server = server;
        this.producers = producers;
    }

    /** @return whether a producer was found to ask */
    boolean send(StoredMessage half, int checkTimes) {
        String group = HalfMessages.producerGroup(half);
        List<RemotingChannel> live = new ArrayList<>();
        for (RemotingChannel c : producers.channels(group)) {
            if (c.isActive()) {
                live.add(c);
            }
        }
        String transactionId = HalfMessages.transactionId(half);
        if (live.isEmpty()) {
            LOG.info("transaction {}: no live producer of group {} to check back with; check-back {} counted",
                    transactionId, group, checkTimes);
            return false;
        }
        RemotingChannel channel = live.get(Math.floorMod(cursor++, live.size()));
        RemotingCommand request = RemotingCommand.createRequest(RequestCode.CHECK_TRANSACTION_STATE)
                .writeHeader(new Headers.CheckTransactionStateRequest(group, half.physicalOffset(), half.msgId(),
                        transactionId, checkTimes))
                .setBody(MessageCodec.encodeDelivered(List.of(HalfMessages.toCheckMessage(half, encoder))));
        server.invokeOneway(channel, request).whenComplete((v, failure) -> {
            if (failure != null) {
                LOG.warn("transaction {}: check-back to {} of group {} failed: {}", transactionId,
                        channel.remoteAddress(), group, failure.toString());
            }
        });
        LOG.debug("transaction {}: check-back {} sent to {} of group {}", transactionId, checkTimes,
                channel.remoteAddress(), group);
        return true;
    }
}
