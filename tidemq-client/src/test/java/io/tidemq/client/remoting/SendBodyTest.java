package io.tidemq.client.remoting;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.tidemq.common.message.Message;
import io.tidemq.common.message.MessageCodec;
import io.tidemq.common.message.MessageConst;
import io.tidemq.common.message.MessageProperties;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A batch written straight into the frame ({@link SendBody#batch}, the producer's batches since issue 10) is the batch
 * the producer encoded before into an array of its own, byte for byte: each message with its UNIQ_KEY added
 * (unless it had one), through {@link MessageCodec#encodeBatch}.
 */
class SendBodyTest {

    private static final List<Message> MESSAGES = List.of(
            Message.builder("orders").body("plain").build(),
            Message.builder("orders").body("tagged and keyed").tag("TagA").keys("k1", "k2").flag(7).build(),
            Message.builder("orders").body("already has an id").property("colour", "grün")
                    .systemProperty(MessageConst.UNIQ_KEY, "7F00000100002A9F0000000000000001").build());

    @Test
    void writesTheBatchTheProducerEncodedIntoAnArrayBefore() {
        List<String> ids = List.of("7F00000100002A9F00000000000000AA", "7F00000100002A9F00000000000000BB",
                "7F00000100002A9F0000000000000001");
        // before: each message rebuilt with its id as a system property, then the whole batch encoded to an array
        List<Message> withIds = new ArrayList<>();
        for (int i = 0; i < MESSAGES.size(); i++) {
            Message m = MESSAGES.get(i);
            withIds.add(m.property(MessageConst.UNIQ_KEY) != null ? m
                    : m.toBuilder().systemProperty(MessageConst.UNIQ_KEY, ids.get(i)).build());
        }
        byte[] before = MessageCodec.encodeBatch(withIds);

        SendBody body = batchBody(ids);
        assertThat(body.bytes()).isEqualTo(before.length);
        ByteBuf pooled = PooledByteBufAllocator.DEFAULT.directBuffer(16);
        CompositeByteBuf composite = Unpooled.compositeBuffer();
        composite.addComponent(true, Unpooled.wrappedBuffer(new byte[10]));
        composite.addComponent(true, Unpooled.wrappedBuffer(new byte[before.length + 10]));
        composite.writerIndex(3); // something before the body, as the frame's header
        try {
            pooled.writeByte(1);
            body.writer().writeBody(pooled);
            assertThat(pooled.writerIndex()).isEqualTo(1 + before.length);
            assertThat(bytes(pooled, 1)).isEqualTo(before);

            assertThat(composite.nioBufferCount()).isGreaterThan(1);
            body.writer().writeBody(composite);
            assertThat(bytes(composite, 3)).isEqualTo(before);
        } finally {
            pooled.release();
            composite.release();
        }
    }

    /** What the producer's prepareBatch builds: each message's properties with its id, encoded once. */
    private static SendBody batchBody(List<String> ids) {
        int n = MESSAGES.size();
        int[] flags = new int[n];
        byte[][] bodies = new byte[n][];
        byte[][] properties = new byte[n][];
        for (int i = 0; i < n; i++) {
            Message m = MESSAGES.get(i);
            String id = m.property(MessageConst.UNIQ_KEY) != null ? m.property(MessageConst.UNIQ_KEY) : ids.get(i);
            flags[i] = m.flag();
            bodies[i] = m.body();
            properties[i] = propertiesWithUniqueId(m, id).getBytes(StandardCharsets.UTF_8);
        }
        return SendBody.batch(flags, bodies, properties);
    }

    /** The producer's MessageValidator.propertiesWithUniqueId (package-private there). */
    private static String propertiesWithUniqueId(Message m, String id) {
        String encoded = MessageProperties.encode(m.properties());
        return m.property(MessageConst.UNIQ_KEY) != null ? encoded
                : encoded + MessageConst.UNIQ_KEY + MessageProperties.NAME_VALUE_SEPARATOR + id
                        + MessageProperties.PROPERTY_SEPARATOR;
    }

    private static byte[] bytes(ByteBuf buf, int from) {
        byte[] out = new byte[buf.writerIndex() - from];
        buf.getBytes(from, out);
        return out;
    }
}
