package io.tidemq.common.message;

import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class MessageCodecTest {

    @Test
    void batchRoundTripKeepsBodiesFlagsAndProperties() {
        List<Message> batch = List.of(
                Message.builder("t").tag("a").keys("k1").body("one").flag(1).build(),
                Message.builder("t").body(new byte[0]).build(),
                Message.builder("t").property("x", "y").body(new byte[5000]).build());
        List<Message> back = MessageCodec.decodeBatch("t", MessageCodec.encodeBatch(batch), 100);
        assertThat(back).hasSize(3);
        for (int i = 0; i < 3; i++) {
            assertThat(back.get(i).body()).isEqualTo(batch.get(i).body());
            assertThat(back.get(i).properties()).isEqualTo(batch.get(i).properties());
            assertThat(back.get(i).flag()).isEqualTo(batch.get(i).flag());
        }
    }

    @Test
    void batchEntriesAreVisitedInOrderWithTheirPropertiesAsEncoded() {
        List<Message> batch = List.of(Message.builder("t").body("a").tag("T").keys("k").build(),
                Message.builder("t").body("b").flag(7).build());
        List<String> seen = new java.util.ArrayList<>();
        byte[] encoded = MessageCodec.encodeBatch(batch);
        MessageCodec.forEachBatchEntry(encoded, 100, (index, flag, whole, bodyOffset, bodyLength, properties) -> {
            assertThat(whole).as("the body is handed over in place, not copied").isSameAs(encoded);
            seen.add(index + ":" + flag + ":" + new String(whole, bodyOffset, bodyLength, StandardCharsets.UTF_8) + ":"
                    + properties);
        });

        assertThat(seen).containsExactly("0:0:a:" + MessageProperties.encode(batch.get(0).properties()), "1:7:b:");
    }

    @Test
    void batchEntriesOfADirectBufferAreVisitedInPlaceAtTheirAbsoluteOffsets() {
        List<Message> batch = List.of(Message.builder("t").body("a").tag("T").keys("k").build(),
                Message.builder("t").body("bc").flag(7).build());
        byte[] encoded = MessageCodec.encodeBatch(batch);
        ByteBuffer received = ByteBuffer.allocateDirect(encoded.length + 20);
        received.position(13);
        received.put(encoded).flip().position(13);
        List<String> seen = new java.util.ArrayList<>();
        MessageCodec.forEachBatchEntry(received, 100, (index, flag, whole, bodyOffset, bodyLength, properties) -> {
            byte[] body = new byte[bodyLength];
            whole.get(bodyOffset, body);
            seen.add(index + ":" + flag + ":" + bodyOffset + ":" + new String(body, StandardCharsets.UTF_8) + ":"
                    + properties);
        });

        assertThat(seen).containsExactly("0:0:25:a:" + MessageProperties.encode(batch.get(0).properties()),
                "1:7:" + (13 + MessageCodec.batchEntryBytes(1, MessageProperties.encode(batch.get(0).properties())
                        .length()) + 12) + ":bc:");
        ByteBuffer truncated = ByteBuffer.allocateDirect(encoded.length - 1).put(0, encoded, 0, encoded.length - 1);
        assertThatThrownBy(() -> MessageCodec.forEachBatchEntry(truncated, 100, (i, f, w, o, l, p) -> {
        })).isInstanceOf(MalformedMessageException.class);
    }

    @Test
    void batchOverTheMessageLimitIsRejected() {
        byte[] enc = MessageCodec.encodeBatch(List.of(Message.builder("t").build(), Message.builder("t").build()));
        assertThatThrownBy(() -> MessageCodec.decodeBatch("t", enc, 1)).hasMessageContaining("more than 1");
    }

    @Test
    void deliveredRoundTrip() {
        MessageExt m = new MessageExt("ABCD", "orders", 3, 17, 4096, 1L, 2L, "127.0.0.1:1", "127.0.0.1:2", 1, 9, 0,
                Map.of("TAGS", "paid"), "hello".getBytes());
        List<MessageExt> back = MessageCodec.decodeDelivered(ByteBuffer.wrap(MessageCodec.encodeDelivered(List.of(m, m))));
        assertThat(back).hasSize(2);
        assertThat(back.get(1)).usingRecursiveComparison().isEqualTo(m);
    }

    @Test
    void truncatedOrGarbageInputNeverDecodesAndNeverAllocatesWildly() {
        MessageExt m = new MessageExt("id", "t", 0, 0, 0, 0, 0, "h", "h", 0, 0, 0, Map.of(), new byte[100]);
        byte[] enc = MessageCodec.encodeDelivered(List.of(m));
        for (int cut = 1; cut < enc.length; cut++) {
            byte[] part = java.util.Arrays.copyOf(enc, cut);
            assertThatThrownBy(() -> MessageCodec.decodeDelivered(ByteBuffer.wrap(part)))
                    .isInstanceOf(MalformedMessageException.class);
        }
        Random r = new Random(42);
        for (int i = 0; i < 2000; i++) {
            byte[] junk = new byte[r.nextInt(200) + 1];
            r.nextBytes(junk);
            try {
                MessageCodec.decodeDelivered(ByteBuffer.wrap(junk));
                MessageCodec.decodeBatch("t", junk, 1000);
            } catch (IllegalArgumentException expected) {
                // MalformedMessageException, InvalidNameException, bad properties: the only acceptable failures
            }
        }
    }
}
