package io.tidemq.broker.ha;

import io.tidemq.store.ha.EpochEntry;
import io.tidemq.store.ha.EpochFile;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/** The body of HA_HELLO and its answer: count (4), then count × (epoch (4), startOffset (8)). Stateless. */
final class LineageCodec {

    private LineageCodec() {
    }

    static byte[] encode(List<EpochEntry> lineage) {
        ByteBuffer buffer = ByteBuffer.allocate(4 + 12 * lineage.size());
        buffer.putInt(lineage.size());
        for (EpochEntry entry : lineage) {
            buffer.putInt(entry.epoch()).putLong(entry.startOffset());
        }
        return buffer.array();
    }

    /** @throws IllegalArgumentException when the body is malformed */
    static List<EpochEntry> decode(byte[] body) {
        if (body == null || body.length < 4) {
            throw new IllegalArgumentException("an epoch lineage needs at least 4 bytes");
        }
        ByteBuffer buffer = ByteBuffer.wrap(body);
        int count = buffer.getInt();
        if (count < 0 || count > EpochFile.MAX_ENTRIES || body.length != 4 + 12 * count) {
            throw new IllegalArgumentException("epoch lineage of " + count + " entries in " + body.length + " bytes");
        }
        List<EpochEntry> out = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            out.add(new EpochEntry(buffer.getInt(), buffer.getLong()));
        }
        return out;
    }
}
