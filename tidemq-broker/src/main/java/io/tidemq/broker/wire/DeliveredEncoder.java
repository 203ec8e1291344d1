package io.tidemq.broker.wire;

import io.tidemq.common.message.MessageCodec;
import io.tidemq.common.message.MessageExt;
import io.tidemq.common.net.HostPort;
import io.tidemq.store.api.StoredMessage;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Turns messages read from the store into the delivered-message wire format ({@link MessageCodec}), sized
 * first and written into a single array per response.
 */
public final class DeliveredEncoder {

    private static final int HOST_CACHE_LIMIT = 4096;
    /**
     * "ip:port" texts by address: few distinct producers and one store host, so caching spares formatting an
     * address for every delivered message. Bounded by clearing when full.
     */
    private final ConcurrentHashMap<InetSocketAddress, String> hostTexts = new ConcurrentHashMap<>();

    public MessageExt toMessageExt(StoredMessage m) {
        return new MessageExt(m.msgId(), m.topic(), m.queueId(), m.queueOffset(), m.physicalOffset(),
                m.bornTimestampMs(), m.storeTimestampMs(), hostText(m.bornHost()), hostText(m.storeHost()),
                m.reconsumeTimes(), m.flag(), m.sysFlag(), m.properties(), m.body());
    }

    public byte[] encode(List<StoredMessage> messages) {
        int n = messages.size();
        MessageExt[] exts = new MessageExt[n];
        byte[][][] parts = new byte[n][][];
        int total = 0;
        for (int i = 0; i < n; i++) {
            MessageExt m = toMessageExt(messages.get(i));
            byte[][] p = MessageCodec.parts(m);
            exts[i] = m;
            parts[i] = p;
            total += MessageCodec.deliveredSize(p[0], p[1], p[2], p[3], p[4], m.body().length);
        }
        ByteBuffer buf = ByteBuffer.allocate(total);
        for (int i = 0; i < n; i++) {
            MessageCodec.encodeDelivered(exts[i], parts[i], buf);
        }
        return buf.array();
    }

    private String hostText(InetSocketAddress address) {
        String text = hostTexts.get(address);
        if (text == null) {
            text = HostPort.format(address);
            if (hostTexts.size() >= HOST_CACHE_LIMIT) {
                hostTexts.clear();
            }
            hostTexts.put(address, text);
        }
        return text;
    }
}
