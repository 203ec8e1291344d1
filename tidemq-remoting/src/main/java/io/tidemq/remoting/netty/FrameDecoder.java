package io.tidemq.remoting.netty;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.tidemq.remoting.protocol.FrameCodec;
import io.tidemq.remoting.protocol.MalformedFrameException;
import io.tidemq.remoting.protocol.RemotingCommand;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;

import static io.tidemq.remoting.protocol.FrameLayout.HEADER_LENGTH_FIELD_BYTES;
import static io.tidemq.remoting.protocol.FrameLayout.MIN_HEADER_BYTES;
import static io.tidemq.remoting.protocol.FrameLayout.MIN_TOTAL_LENGTH;
import static io.tidemq.remoting.protocol.FrameLayout.PREFIX_BYTES;
import static io.tidemq.remoting.protocol.FrameLayout.TOTAL_LENGTH_FIELD_BYTES;

/**
 * Splits the byte stream into frames and decodes them. Each length is checked as soon as its bytes
 * arrive, before the frame is accumulated: totalLength against [{@link io.tidemq.remoting.protocol.FrameLayout#MIN_TOTAL_LENGTH},
 * maxFrameBytes], headerLength against [{@link io.tidemq.remoting.protocol.FrameLayout#MIN_HEADER_BYTES},
 * totalLength - 4], then the header's inner lengths by {@link FrameCodec}. The first violation logs a
 * warning naming the peer and the reason, discards everything the peer sends afterwards and closes the
 * connection; other connections are untouched. One instance per channel.
 *
 * <p>A frame without a body comes out as a {@link RemotingCommand}; a response with a body as an
 * {@link InboundResponse} and a request with a body as an {@link InboundRequest}, each holding a retained slice of
 * the body: the waiting call reads a response in place, a request is copied or read in place as its processor asks
 * ({@link io.tidemq.remoting.RequestProcessor#readsBodyInPlace()}).
 */
final class FrameDecoder extends ByteToMessageDecoder {

    private static final Logger log = LoggerFactory.getLogger(FrameDecoder.class);

    private final int maxFrameBytes;
    /** Set once the stream is found corrupt; event-loop thread only. */
    private boolean rejected;

    FrameDecoder(int maxFrameBytes) {
        this.maxFrameBytes = maxFrameBytes;
        setCumulator(COMPACTING_CUMULATOR);
    }

    /**
     * Netty's merge cumulator, except that the bytes already decoded are dropped before the buffer grows. A read
     * that ends inside a frame leaves that partial frame at the end of a full read buffer; the merge cumulator
     * then grows the buffer by the whole next read, keeping every decoded byte before the partial frame, so under
     * load each read reallocated a buffer larger than the thread caches hold and the pooled arena kept creating
     * (and zeroing) fresh 4 MiB chunks: 10-15 % of the server's I/O thread time at 80 000 async sends/s
     * (docs/benchmarks.md, "The async regression"). Moving the partial frame to the front reuses the buffer.
     */
    static final Cumulator COMPACTING_CUMULATOR = FrameDecoder::cumulateCompacting;

    static ByteBuf cumulateCompacting(ByteBufAllocator alloc, ByteBuf cumulation, ByteBuf in) {
        if (cumulation != in && cumulation.isReadable() && cumulation.readerIndex() > 0
                && cumulation.writableBytes() < in.readableBytes()
                && cumulation.refCnt() == 1 && !cumulation.isReadOnly()) {
            cumulation.discardReadBytes();
        }
        return MERGE_CUMULATOR.cumulate(alloc, cumulation, in);
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (rejected) {
            in.skipBytes(in.readableBytes());
            return;
        }
        int readable = in.readableBytes();
        if (readable < TOTAL_LENGTH_FIELD_BYTES) {
            return;
        }
        int start = in.readerIndex();
        int totalLength = in.getInt(start);
        if (totalLength < MIN_TOTAL_LENGTH || totalLength > maxFrameBytes) {
            reject(ctx, in, "totalLength " + totalLength + " is outside [" + MIN_TOTAL_LENGTH + ", "
                    + maxFrameBytes + "] (maxFrameBytes)");
            return;
        }
        if (readable < PREFIX_BYTES) {
            return;
        }
        int headerLength = in.getInt(start + TOTAL_LENGTH_FIELD_BYTES);
        int maxHeaderLength = totalLength - HEADER_LENGTH_FIELD_BYTES;
        if (headerLength < MIN_HEADER_BYTES || headerLength > maxHeaderLength) {
            reject(ctx, in, "headerLength " + headerLength + " is outside [" + MIN_HEADER_BYTES + ", "
                    + maxHeaderLength + "] (totalLength " + totalLength + " - 4)");
            return;
        }
        if (readable < TOTAL_LENGTH_FIELD_BYTES + totalLength) {
            return; // wait for the rest of a frame whose size is already known to be acceptable
        }
        in.skipBytes(PREFIX_BYTES);
        int bodyLength = maxHeaderLength - headerLength;
        try {
            RemotingCommand command = FrameCodec.decodeHeader(in, headerLength, bodyLength);
            if (bodyLength == 0) {
                out.add(command);
            } else if (command.isResponse()) {
                // read in place by the waiting call's reader (a pull response straight into its messages)
                out.add(new InboundResponse(command, in.readRetainedSlice(bodyLength)));
            } else {
                // copied or read in place, as the request's processor asks (RequestDispatcher)
                out.add(new InboundRequest(command, in.readRetainedSlice(bodyLength)));
            }
        } catch (MalformedFrameException e) {
            reject(ctx, in, e.getMessage());
        }
    }

    private void reject(ChannelHandlerContext ctx, ByteBuf in, String reason) {
        rejected = true;
        in.skipBytes(in.readableBytes());
        log.warn("closing connection from {}: malformed frame: {}", NettyRemotingChannel.format(ctx.channel().remoteAddress()),
                reason);
        ctx.fireExceptionCaught(new MalformedFrameException(reason));
        ctx.close();
    }

    @Override
    protected void decodeLast(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) throws Exception {
        int partial = in.readableBytes();
        super.decodeLast(ctx, in, out);
        if (!rejected && partial > 0 && in.readableBytes() > 0) {
            log.debug("connection from {} closed in the middle of a frame ({} bytes discarded)",
                    NettyRemotingChannel.format(ctx.channel().remoteAddress()), in.readableBytes());
        }
    }
}
