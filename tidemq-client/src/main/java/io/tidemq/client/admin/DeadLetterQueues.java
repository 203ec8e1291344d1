package io.tidemq.client.admin;

import io.tidemq.client.InvalidArgumentException;
import io.tidemq.client.TopicNotFoundException;
import io.tidemq.client.remoting.AdminApi;
import io.tidemq.common.message.MessageExt;
import io.tidemq.common.message.MessageId;
import io.tidemq.common.names.NameValidator;
import io.tidemq.common.protocol.header.Headers;
import io.tidemq.common.route.BrokerData;
import io.tidemq.common.route.TopicRouteData;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Function;

/**
 * GET_DLQ_MESSAGES and RESEND_DLQ_MESSAGES for {@link AdminClient}: a group's dead letters live in
 * {@code %DLQ%<group>} on the brokers that dead-lettered them, found through that topic's route. Stateless
 * apart from the transport.
 */
final class DeadLetterQueues {

    /** Bounds the request loop of a resend of "all": each request resends at most 1 000 messages. */
    private static final int MAX_RESEND_ROUNDS = 100_000;

    private final AdminApi remoting;
    private final Function<String, TopicRouteData> route;

    DeadLetterQueues(AdminApi remoting, Function<String, TopicRouteData> route) {
        this.remoting = remoting;
        this.route = route;
    }

    List<MessageExt> list(String group, int maxNum) {
        InvalidArgumentException.checkGroup(group);
        if (maxNum < 1) {
            throw new InvalidArgumentException("give a count of at least 1, was " + maxNum);
        }
        String what = "dead-letter listing of group " + group + " (GET_DLQ_MESSAGES)";
        List<MessageExt> out = new ArrayList<>();
        for (BrokerData b : brokers(group)) {
            String addr = BrokerTargets.readAddress(b);
            if (addr == null) {
                continue;
            }
            out.addAll(remoting.deadLetters(what, addr, group, maxNum));
        }
        out.sort(Comparator.comparingLong(MessageExt::storeTimestampMs));
        return out;
    }

    /** @return the address of the broker that resent it */
    String resendOne(String group, String msgId) {
        InvalidArgumentException.checkGroup(group);
        MessageId.decode(msgId);
        String what = "resend of dead letter " + msgId + " of group " + group + " (RESEND_DLQ_MESSAGES)";
        for (BrokerData b : brokers(group)) {
            String addr = b.masterAddr();
            if (addr == null) {
                continue;
            }
            if (remoting.resendDeadLetter(what, addr, group, msgId)) {
                return addr;
            }
        }
        throw new MessageNotFoundException("no broker holds message " + msgId + " in the dead-letter queue of group '"
                + group + "'; list its dead letters with: tidemq admin dlq list --group " + group);
    }

    /** @return how many dead letters were resent, over every broker */
    long resendAll(String group, AdminProgress progress) {
        InvalidArgumentException.checkGroup(group);
        String what = "resend of every dead letter of group " + group + " (RESEND_DLQ_MESSAGES)";
        long total = 0;
        List<BrokerData> brokers = brokers(group);
        int done = 0;
        for (BrokerData b : brokers) {
            String addr = b.masterAddr();
            done++;
            if (addr == null) {
                continue;
            }
            for (int round = 0; round < MAX_RESEND_ROUNDS; round++) {
                Headers.DlqResendResponse h = remoting.resendDeadLetters(what, addr, group);
                if (h == null) {
                    break;
                }
                total += h.resent();
                if (h.remaining() <= 0 || h.resent() == 0) {
                    break;
                }
            }
            progress.step("resending", done, brokers.size(), b.brokerName() + " (" + total + " resent so far)");
        }
        return total;
    }

    private List<BrokerData> brokers(String group) {
        List<BrokerData> brokers;
        try {
            brokers = new ArrayList<>(route.apply(NameValidator.dlqTopic(group)).brokerDatas());
        } catch (TopicNotFoundException e) {
            return List.of(); // no message of the group was ever dead-lettered
        }
        brokers.sort(Comparator.comparing(BrokerData::brokerName));
        return brokers;
    }
}
