package io.tidemq.client.admin;

import io.tidemq.client.BrokerUnavailableException;
import io.tidemq.client.remoting.AdminApi;
import io.tidemq.common.message.MessageExt;
import io.tidemq.common.message.MessageId;
import io.tidemq.common.route.BrokerData;
import io.tidemq.common.route.TopicRouteData;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;

/** QUERY_MESSAGE_BY_ID and QUERY_MESSAGE_BY_KEY for {@link AdminClient}. Stateless apart from the transport. */
final class MessageLookup {

    private final AdminApi remoting;
    private final Supplier<List<BrokerEntry>> brokers;

    MessageLookup(AdminApi remoting, Supplier<List<BrokerEntry>> brokers) {
        this.remoting = remoting;
        this.brokers = brokers;
    }

    MessageExt byId(String msgId) {
        MessageId id = MessageId.decode(msgId);
        String what = "lookup of message " + msgId + " (QUERY_MESSAGE_BY_ID)";
        Set<String> tried = new LinkedHashSet<>();
        List<String> unreachable = new ArrayList<>();
        if (id.hasStoreHost()) {
            tried.add(id.storeHostText());
            MessageExt m = queryById(what, id.storeHostText(), msgId, unreachable);
            if (m != null) {
                return m;
            }
        }
        // The encoded host may be unreachable from here, or a slave may hold the only copy: ask the rest.
        for (BrokerEntry b : brokers.get()) {
            if (tried.add(b.address())) {
                MessageExt m = queryById(what, b.address(), msgId, unreachable);
                if (m != null) {
                    return m;
                }
            }
        }
        throw new MessageNotFoundException("no broker has message " + msgId + " (stored by " + id.storeHostText()
                + "; asked " + tried + (unreachable.isEmpty() ? "" : ", unreachable " + unreachable)
                + "); it may have been deleted by retention");
    }

    private MessageExt queryById(String what, String addr, String msgId, List<String> unreachable) {
        List<MessageExt> stored;
        try {
            stored = remoting.messagesById(what, addr, msgId);
        } catch (BrokerUnavailableException e) {
            unreachable.add(addr);
            return null;
        }
        // A broker reads whatever record sits at the id's offset in its own CommitLog: only an exact id match
        // is the message asked for.
        for (MessageExt m : stored) {
            if (msgId.equalsIgnoreCase(m.msgId())) {
                return m;
            }
        }
        return null;
    }

    List<MessageExt> byKey(TopicRouteData route, String topic, String key, int maxNum) {
        List<String> addrs = new ArrayList<>();
        for (BrokerData b : route.brokerDatas()) {
            String addr = BrokerTargets.readAddress(b);
            if (addr != null) {
                addrs.add(addr);
            }
        }
        String what = "lookup of key '" + key + "' in topic " + topic + " (QUERY_MESSAGE_BY_KEY)";
        List<MessageExt> found = new ArrayList<>();
        remoting.messagesByKey(what, addrs, topic, key, maxNum).values().forEach(found::addAll);
        if (found.isEmpty()) {
            throw new MessageNotFoundException("no message of topic " + topic + " has key '" + key + "' (asked "
                    + addrs + "); keys are indexed as messages are stored, and retention deletes old messages");
        }
        found.sort(Comparator.comparingLong(MessageExt::storeTimestampMs).thenComparing(MessageExt::msgId));
        return found;
    }
}
