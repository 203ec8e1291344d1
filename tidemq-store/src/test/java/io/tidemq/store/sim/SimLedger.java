package io.tidemq.store.sim;

import io.tidemq.store.api.MessageRecord;
import io.tidemq.store.api.PutResult;
import io.tidemq.store.api.StoredMessage;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Collection;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * What the simulated producers sent and what the store promised about it. Every message carries its id in its
 * body ({@code #<id>#...}) and its key ({@code k<id>}), so anything the store serves can be traced back to a send.
 *
 * <p>Threads: puts complete on the store's flush thread (SYNC) or the caller (ASYNC); every field of a
 * {@link Sent} is volatile and the maps are concurrent.
 */
final class SimLedger {

    /** One message sent to the store. */
    static final class Sent {
        final long id;
        final String topic;
        final int queueId;
        final byte[] body;
        /** Known once the put returned a result (-1 before: in flight, or failed without telling where). */
        volatile long physicalOffset = -1;
        volatile long queueOffset = -1;
        volatile int sizeBytes;
        /** Acknowledged as durable (SYNC ack before the crash, or below a flushed offset the store reported). */
        volatile boolean mustSurvive;
        /** Seen lost by a recovery (allowed only while not mustSurvive); never expected again. */
        volatile boolean lost;

        Sent(long id, String topic, int queueId, byte[] body) {
            this.id = id;
            this.topic = topic;
            this.queueId = queueId;
            this.body = body;
        }

        String key() {
            return "k" + id;
        }

        long endOffset() {
            return physicalOffset + sizeBytes;
        }

        boolean placed() {
            return physicalOffset >= 0;
        }

        /** Whether {@code m} is exactly this message, where the store says it is. */
        String mismatch(StoredMessage m) {
            if (!m.topic().equals(topic) || m.queueId() != queueId) {
                return "is in " + m.topic() + "-" + m.queueId() + ", sent to " + topic + "-" + queueId;
            }
            if (!Arrays.equals(m.body(), body)) {
                return "has another body";
            }
            if (placed() && (m.physicalOffset() != physicalOffset || m.queueOffset() != queueOffset)) {
                return "is at physical " + m.physicalOffset() + " queue offset " + m.queueOffset() + ", stored at "
                        + physicalOffset + "/" + queueOffset;
            }
            return null;
        }

        @Override
        public String toString() {
            return "#" + id + "(" + topic + "-" + queueId + " q" + queueOffset + " @" + physicalOffset + "+" + sizeBytes
                    + (mustSurvive ? ", durable" : "") + ")";
        }
    }

    private final ConcurrentMap<Long, Sent> byId = new ConcurrentHashMap<>();
    private long nextId;

    /** Creates the next message (harness thread only). */
    MessageRecord next(String topic, int queueId, int bodyBytes, java.util.Random random) {
        long id = nextId++;
        byte[] prefix = ("#" + id + "#").getBytes(StandardCharsets.US_ASCII);
        byte[] body = new byte[Math.max(prefix.length, bodyBytes)];
        System.arraycopy(prefix, 0, body, 0, prefix.length);
        for (int i = prefix.length; i < body.length; i++) {
            body[i] = (byte) ('a' + random.nextInt(26));
        }
        byId.put(id, new Sent(id, topic, queueId, body));
        return MessageRecord.builder(topic, queueId).body(body).keys("k" + id)
                .storeHost(io.tidemq.store.TestStores.STORE_HOST).bornHost(io.tidemq.store.TestStores.BORN_HOST)
                .build();
    }

    long lastId() {
        return nextId - 1;
    }

    Sent get(long id) {
        return byId.get(id);
    }

    /** The send {@code m} came from, by the id in its body; null when its body carries none. */
    Sent of(StoredMessage m) {
        byte[] body = m.body();
        if (body.length < 3 || body[0] != '#') {
            return null;
        }
        int end = 1;
        while (end < body.length && body[end] != '#') {
            end++;
        }
        try {
            return byId.get(Long.parseLong(new String(body, 1, end - 1, StandardCharsets.US_ASCII)));
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** Records where the store put message {@code id}, first of a batch of {@code count}. */
    void placed(long firstId, PutResult result) {
        long[] offsets = result.physicalOffsets();
        for (int i = 0; i < result.storedCount(); i++) {
            Sent s = byId.get(firstId + i);
            long at = offsets == null ? result.physicalOffset() : offsets[i];
            long next = i + 1 < result.storedCount() ? offsets[i + 1] : result.endOffset();
            s.queueOffset = result.queueOffset() + i;
            s.sizeBytes = (int) (next - at);
            s.physicalOffset = at;
        }
    }

    Collection<Sent> all() {
        return byId.values();
    }
}
