package io.tidemq.remoting.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FrameCodecTest {

    /** The example of docs/protocol.md, byte for byte. */
    @Test
    void encodesTheDocumentedLayoutByteForByte() {
        RemotingCommand cmd = RemotingCommand.createResponse(10, "ok").putField("k", "v").setBody(new byte[]{1, 2, 3});
        ByteBuf out = Unpooled.buffer();
        try {
            FrameCodec.encode(cmd, 7, FrameLayout.FLAG_RESPONSE, out, 1024);
            assertThat(ByteBufUtil.hexDump(out)).isEqualTo(
                    "00000025" + "0000001e"          // totalLength 37, headerLength 30
                            + "0000000a" + "0001"    // code 10, version 1
                            + "00000007" + "00000001" // opaque 7, flags: response
                            + "00000002" + "6f6b"    // remark "ok"
                            + "0001"                 // one field
                            + "0001" + "6b" + "00000001" + "76" // "k" = "v"
                            + "010203");             // body
        } finally {
            out.release();
        }
    }

    @Test
    void roundTripsEveryPartOfACommand() throws Exception {
        RemotingCommand cmd = RemotingCommand.createRequest(42)
                .setRemark("remarque ünïcødé ✓")
                .putField("topic", "主题")
                .putField("empty", "")
                .putField("offset", Long.MIN_VALUE)
                .setBody("payload".getBytes(StandardCharsets.UTF_8));

        RemotingCommand decoded = roundTrip(cmd, 99, FrameLayout.FLAG_ONEWAY);

        assertThat(decoded.code()).isEqualTo(42);
        assertThat(decoded.version()).isEqualTo(FrameLayout.CURRENT_VERSION);
        assertThat(decoded.opaque()).isEqualTo(99);
        assertThat(decoded.isOneway()).isTrue();
        assertThat(decoded.isResponse()).isFalse();
        assertThat(decoded.remark()).isEqualTo("remarque ünïcødé ✓");
        assertThat(decoded.fields()).isEqualTo(cmd.fields());
        assertThat(decoded.fieldAsLong("offset")).isEqualTo(Long.MIN_VALUE);
        assertThat(new String(decoded.body(), StandardCharsets.UTF_8)).isEqualTo("payload");
    }

    @Test
    void roundTripsAMinimalCommandWithNullRemarkNoFieldsAndNoBody() throws Exception {
        RemotingCommand decoded = roundTrip(RemotingCommand.createRequest(0), 0, 0);

        assertThat(decoded.remark()).isNull();
        assertThat(decoded.fields()).isEmpty();
        assertThat(decoded.body()).isEmpty();
    }

    @Test
    void theSizeEstimateIsAnUpperBound() {
        RemotingCommand cmd = RemotingCommand.createRequest(1).setRemark("ü✓x").putField("ключ", "値")
                .setBody(new byte[100]);
        ByteBuf out = Unpooled.buffer();
        try {
            FrameCodec.encode(cmd, 1, 0, out, 1 << 20);
            assertThat(FrameCodec.maxEncodedBytes(cmd)).isGreaterThanOrEqualTo(out.readableBytes());
        } finally {
            out.release();
        }
    }

    /** A body written by a {@link BodyWriter} is the same frame, byte for byte, as the same bytes set as an array. */
    @Test
    void aBodyWriterWritesTheSameFrameAsItsBytesSetAsAnArray() throws Exception {
        byte[] bytes = "a batch, written straight into the frame".getBytes(StandardCharsets.UTF_8);
        BodyWriter writer = new BodyWriter() {
            @Override
            public int bodyBytes() {
                return bytes.length;
            }

            @Override
            public void writeBody(ByteBuf out) {
                out.writeBytes(bytes, 0, 10).writeBytes(bytes, 10, bytes.length - 10);
            }
        };
        RemotingCommand written = RemotingCommand.createRequest(310).putField("k", "v").setBodyWriter(writer);
        RemotingCommand array = RemotingCommand.createRequest(310).putField("k", "v").setBody(bytes);
        assertThat(FrameCodec.maxEncodedBytes(written)).isEqualTo(FrameCodec.maxEncodedBytes(array));
        assertThat(written.bodyBytes()).isEqualTo(bytes.length);
        assertThat(written.body()).isEqualTo(bytes);
        ByteBuf a = Unpooled.buffer();
        ByteBuf b = Unpooled.buffer();
        try {
            FrameCodec.encode(written, 5, 0, a, 1024);
            FrameCodec.encode(array, 5, 0, b, 1024);
            assertThat(ByteBufUtil.hexDump(a)).isEqualTo(ByteBufUtil.hexDump(b));
            a.skipBytes(FrameLayout.PREFIX_BYTES);
            RemotingCommand decoded = FrameCodec.decode(a, b.getInt(4), bytes.length);
            assertThat(decoded.body()).isEqualTo(bytes);
        } finally {
            a.release();
            b.release();
        }
    }

    /** A writer that writes another length than it announced fails the frame and leaves the buffer as it was. */
    @Test
    void aBodyWriterThatWritesAnotherLengthThanItAnnouncedFailsTheFrame() {
        BodyWriter liar = new BodyWriter() {
            @Override
            public int bodyBytes() {
                return 4;
            }

            @Override
            public void writeBody(ByteBuf out) {
                out.writeLong(1L);
            }
        };
        ByteBuf out = Unpooled.buffer();
        try {
            out.writeByte(0x7f);
            assertThatThrownBy(() -> FrameCodec.encode(RemotingCommand.createRequest(1).setBodyWriter(liar), 1, 0, out,
                    1024)).isInstanceOf(IllegalStateException.class).hasMessageContaining("wrote 8 bytes but announced 4");
            assertThat(out.writerIndex()).isEqualTo(1);
        } finally {
            out.release();
        }
    }

    @Test
    void refusesToEncodeAFrameOverTheLimitAndLeavesTheBufferUntouched() {
        RemotingCommand cmd = RemotingCommand.createRequest(1).setBody(new byte[2000]);
        ByteBuf out = Unpooled.buffer();
        try {
            out.writeByte(0x7f);
            assertThatThrownBy(() -> FrameCodec.encode(cmd, 1, 0, out, 1024))
                    .isInstanceOf(FrameTooLargeException.class)
                    .hasMessageContaining("maxFrameBytes 1024");
            assertThat(out.writerIndex()).isEqualTo(1);
        } finally {
            out.release();
        }
    }

    @Test
    void rejectsAFieldCountTheHeaderCannotHold() {
        // fixed part, null remark, then 5000 fields declared in a header with no room for them
        ByteBuf header = fixedHeader().writeInt(-1).writeShort(5000);
        assertMalformed(header, "5000 fields");
    }

    @Test
    void rejectsARemarkLongerThanTheHeader() {
        ByteBuf header = fixedHeader().writeInt(1000).writeShort(0);
        assertMalformed(header, "remark length 1000");
    }

    @Test
    void rejectsANegativeRemarkLengthOtherThanNull() {
        ByteBuf header = fixedHeader().writeInt(-7).writeShort(0);
        assertMalformed(header, "remark length -7");
    }

    @Test
    void rejectsAKeyRunningPastTheHeader() {
        ByteBuf header = fixedHeader().writeInt(-1).writeShort(1).writeShort(60_000).writeInt(0);
        assertMalformed(header, "key length 60000");
    }

    @Test
    void rejectsANegativeOrOverlongValueLength() {
        assertMalformed(fixedHeader().writeInt(-1).writeShort(1).writeShort(1).writeByte('k').writeInt(-5),
                "value length -5");
        assertMalformed(fixedHeader().writeInt(-1).writeShort(1).writeShort(1).writeByte('k').writeInt(50),
                "value length 50");
    }

    @Test
    void rejectsFieldsThatEndBeforeTheirDeclaredCount() {
        // two fields declared, room for the minimum of two, but the first one takes all of it
        ByteBuf header = fixedHeader().writeInt(-1).writeShort(2)
                .writeShort(1).writeByte('k').writeInt(6).writeBytes("vvvvvv".getBytes(StandardCharsets.US_ASCII));
        assertMalformed(header, "ends after 1");
    }

    @Test
    void rejectsAHeaderLongerThanItsContent() {
        ByteBuf header = fixedHeader().writeInt(-1).writeShort(0).writeInt(0);
        assertMalformed(header, "4 bytes left");
    }

    private static ByteBuf fixedHeader() {
        return Unpooled.buffer().writeInt(1).writeShort(1).writeInt(1).writeInt(0);
    }

    private static void assertMalformed(ByteBuf header, String reason) {
        try {
            int headerLength = header.readableBytes();
            assertThatThrownBy(() -> FrameCodec.decode(header, headerLength, 0))
                    .isInstanceOf(MalformedFrameException.class)
                    .hasMessageContaining(reason);
        } finally {
            header.release();
        }
    }

    private static RemotingCommand roundTrip(RemotingCommand cmd, int opaque, int flags) throws Exception {
        ByteBuf buf = Unpooled.directBuffer();
        try {
            FrameCodec.encode(cmd, opaque, flags, buf, FrameLayout.DEFAULT_MAX_FRAME_BYTES);
            int totalLength = buf.readInt();
            int headerLength = buf.readInt();
            assertThat(buf.readableBytes()).isEqualTo(totalLength - 4);
            RemotingCommand decoded = FrameCodec.decode(buf, headerLength, totalLength - 4 - headerLength);
            assertThat(buf.readableBytes()).isZero();
            return decoded;
        } finally {
            buf.release();
        }
    }
}
