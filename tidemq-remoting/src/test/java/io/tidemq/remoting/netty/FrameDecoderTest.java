package io.tidemq.remoting.netty;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.tidemq.remoting.protocol.MalformedFrameException;
import io.tidemq.remoting.protocol.FrameCodec;
import io.tidemq.remoting.protocol.FrameLayout;
import io.tidemq.remoting.protocol.RemotingCommand;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class FrameDecoderTest {

    private static final int MAX_FRAME_BYTES = 4096;

    /** What the decoder reported downstream; the channel's own thread only. */
    private final List<Throwable> reported = new ArrayList<>();
    private final EmbeddedChannel channel = new EmbeddedChannel(new FrameDecoder(MAX_FRAME_BYTES),
            new ChannelInboundHandlerAdapter() {
                @Override
                public void channelRead(ChannelHandlerContext ctx, Object msg) {
                    ctx.fireChannelRead(msg);
                }

                @Override
                public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                    reported.add(cause);
                }
            });

    @AfterEach
    void finish() {
        channel.finishAndReleaseAll();
    }

    @Test
    void reassemblesAFrameDeliveredOneByteAtATime() {
        ByteBuf frame = encode(RemotingCommand.createRequest(5).putField("a", "b").setBody(new byte[]{9}), 77);
        while (frame.isReadable()) {
            channel.writeInbound(frame.readRetainedSlice(1));
        }
        frame.release();

        InboundRequest decoded = channel.readInbound();
        try {
            assertThat(decoded.request.opaque()).isEqualTo(77);
            assertThat(decoded.request.field("a")).isEqualTo("b");
            assertThat(ByteBufUtil.getBytes(decoded.content())).containsExactly(9);
        } finally {
            decoded.release();
        }
        assertThat(channel.isActive()).isTrue();
    }

    @Test
    void aPartialFrameIsMovedToTheFrontInsteadOfGrowingTheBuffer() {
        ByteBuf cumulation = Unpooled.buffer(64, 1 << 20);
        cumulation.writerIndex(60);
        cumulation.readerIndex(56);                      // 56 bytes decoded, 4 bytes of a partial frame left
        cumulation.setInt(56, 0x01020304);
        ByteBuf next = Unpooled.buffer(40).writeZero(36).writeInt(0x05060708);

        ByteBuf merged = FrameDecoder.cumulateCompacting(ByteBufAllocator.DEFAULT, cumulation, next);

        assertThat(merged).isSameAs(cumulation);
        assertThat(merged.capacity()).as("reused, not grown").isEqualTo(64);
        assertThat(merged.readableBytes()).isEqualTo(44);
        assertThat(merged.getInt(merged.readerIndex())).isEqualTo(0x01020304);
        assertThat(merged.getInt(merged.writerIndex() - 4)).isEqualTo(0x05060708);
        assertThat(next.refCnt()).as("the read buffer is released").isZero();
        merged.release();
    }

    @Test
    void decodesFramesThatStraddleManyFullReads() {
        List<ByteBuf> frames = new ArrayList<>();
        ByteBuf stream = Unpooled.buffer();
        for (int i = 0; i < 200; i++) {
            ByteBuf frame = encode(RemotingCommand.createRequest(10).putField("i", Integer.toString(i))
                    .setBody(new byte[100 + i % 37]), i);
            stream.writeBytes(frame);
            frame.release();
        }
        int readBytes = 333;                             // never a multiple of a frame: every read ends mid-frame
        while (stream.isReadable()) {
            channel.writeInbound(stream.readBytes(Math.min(readBytes, stream.readableBytes())));
        }
        stream.release();

        for (int i = 0; i < 200; i++) {
            InboundRequest decoded = channel.readInbound();
            try {
                assertThat(decoded.request.opaque()).isEqualTo(i);
                assertThat(decoded.request.field("i")).isEqualTo(Integer.toString(i));
                assertThat(decoded.content().readableBytes()).isEqualTo(100 + i % 37);
            } finally {
                decoded.release();
            }
        }
        assertThat(channel.isActive()).isTrue();
    }

    @Test
    void responseAndRequestBodiesAreHandedOnAsSlicesOfTheReadBuffer() {
        ByteBuf stream = Unpooled.buffer();
        for (ByteBuf frame : List.of(
                encodeResponse(RemotingCommand.success().putField("k", "v").setBody(new byte[]{1, 2, 3}), 7),
                encodeResponse(RemotingCommand.success(), 8),
                encode(RemotingCommand.createRequest(5).setBody(new byte[]{4}), 9))) {
            stream.writeBytes(frame);
            frame.release();
        }

        channel.writeInbound(stream);

        InboundResponse withBody = channel.readInbound();
        try {
            assertThat(withBody.response.opaque()).isEqualTo(7);
            assertThat(withBody.response.field("k")).isEqualTo("v");
            assertThat(withBody.response.body()).as("not copied").isEmpty();
            assertThat(ByteBufUtil.getBytes(withBody.content())).containsExactly(1, 2, 3);
            assertThat(withBody.content().unwrap()).as("a slice of the read buffer, not a copy").isNotNull();
        } finally {
            withBody.release();
        }
        RemotingCommand empty = channel.readInbound();
        assertThat(empty.opaque()).isEqualTo(8);
        assertThat(empty.isResponse()).isTrue();
        InboundRequest request = channel.readInbound();
        assertThat(request.request.opaque()).isEqualTo(9);
        assertThat(request.request.bodyBytes()).as("not copied: the dispatcher copies it or lends it").isZero();
        assertThat(ByteBufUtil.getBytes(request.content())).containsExactly(4);
        assertThat(stream.refCnt()).as("held by the request's slice").isPositive();
        request.release();
        assertThat(stream.refCnt()).as("the read buffer is released once its slices are").isZero();
    }

    @Test
    void splitsSeveralFramesArrivingInOneRead() {
        ByteBuf both = Unpooled.buffer();
        ByteBuf first = encode(RemotingCommand.createRequest(1), 1);
        ByteBuf second = encode(RemotingCommand.createRequest(2), 2);
        both.writeBytes(first).writeBytes(second);
        first.release();
        second.release();

        channel.writeInbound(both);

        assertThat(((RemotingCommand) channel.readInbound()).opaque()).isEqualTo(1);
        assertThat(((RemotingCommand) channel.readInbound()).opaque()).isEqualTo(2);
    }

    @Test
    void closesOnATotalLengthAboveMaxFrameBytesBeforeTheFrameArrives() {
        // only the length is sent: the decoder must not wait for (or buffer) the announced bytes
        channel.writeInbound(Unpooled.buffer().writeInt(MAX_FRAME_BYTES + 1));
        assertClosedWithoutOutput();
    }

    @Test
    void closesOnANegativeTotalLength() {
        channel.writeInbound(Unpooled.buffer().writeInt(-1).writeInt(20));
        assertClosedWithoutOutput();
    }

    @Test
    void closesOnATotalLengthTooSmallForAHeader() {
        channel.writeInbound(Unpooled.buffer().writeInt(3).writeInt(0));
        assertClosedWithoutOutput();
    }

    @Test
    void closesOnAHeaderLengthBeyondTheFrame() {
        channel.writeInbound(Unpooled.buffer().writeInt(100).writeInt(97));
        assertClosedWithoutOutput();
    }

    @Test
    void closesOnAHeaderLengthBelowTheMinimum() {
        channel.writeInbound(Unpooled.buffer().writeInt(100).writeInt(19));
        assertClosedWithoutOutput();
    }

    @Test
    void closesOnAHeaderWhoseInnerLengthsDisagreeAndDropsWhatFollows() {
        ByteBuf bad = Unpooled.buffer();
        bad.writeInt(4 + 20).writeInt(20)                    // a minimal frame...
                .writeInt(1).writeShort(1).writeInt(1).writeInt(0)
                .writeInt(-1).writeShort(9);                  // ...declaring 9 fields in 0 bytes
        ByteBuf good = encode(RemotingCommand.createRequest(1), 1);
        bad.writeBytes(good);
        good.release();

        channel.writeInbound(bad);

        assertClosedWithoutOutput();
    }

    private void assertClosedWithoutOutput() {
        assertThat(channel.isActive()).as("channel closed").isFalse();
        Object next = channel.readInbound();
        assertThat(next).isNull();
        assertThat(reported).singleElement().isInstanceOf(MalformedFrameException.class);
    }

    private static ByteBuf encodeResponse(RemotingCommand cmd, int opaque) {
        ByteBuf buf = Unpooled.buffer();
        FrameCodec.encode(cmd, opaque, FrameLayout.FLAG_RESPONSE, buf, MAX_FRAME_BYTES);
        return buf;
    }

    private static ByteBuf encode(RemotingCommand cmd, int opaque) {
        ByteBuf buf = Unpooled.buffer();
        FrameCodec.encode(cmd, opaque, 0, buf, MAX_FRAME_BYTES);
        return buf;
    }
}
