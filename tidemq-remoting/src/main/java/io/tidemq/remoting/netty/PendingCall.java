package io.tidemq.remoting.netty;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.handler.codec.EncoderException;
import io.netty.util.Timeout;
import io.netty.util.TimerTask;
import io.tidemq.common.protocol.RequestCode;
import io.tidemq.remoting.ResponseBodyReader;
import io.tidemq.remoting.exception.RemotingException;
import io.tidemq.remoting.exception.RemotingSendRequestException;
import io.tidemq.remoting.exception.RemotingTimeoutException;
import io.tidemq.remoting.protocol.RemotingCommand;

import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;

/**
 * A request waiting for its response. It is its own timeout task and its own write listener, so a call
 * costs one object besides the future. Whoever first removes it from the pending table (the response, the
 * timeout, a failed write, the connection closing) completes it; the others find it gone and do nothing.
 *
 * <p>A response completes the future with what the call's {@link Reader} makes of it and of its body, read on the
 * network thread while the body still lies in the frame's buffer: {@link #COPY_BODY} copies the body into the
 * response (what {@code invokeAsync} returns), {@link #inPlace} hands a read-only view of it to a
 * {@link ResponseBodyReader}, so a pull response becomes messages without a copy of the whole body in between.
 */
final class PendingCall<T> implements TimerTask, ChannelFutureListener {

    /** Makes the call's result of a response and its body, which is valid only during the call. */
    @FunctionalInterface
    interface Reader<T> {
        T read(RemotingCommand response, ByteBuf body);
    }

    /** The response with its body copied into a {@code byte[]} of its own. */
    static final Reader<RemotingCommand> COPY_BODY = (response, body) -> {
        if (body.isReadable()) {
            byte[] copy = new byte[body.readableBytes()];
            body.getBytes(body.readerIndex(), copy);
            response.setBody(copy);
        }
        return response;
    };

    /** {@code reader} over a read-only view of the body; what it returns must not read through the view. */
    static <T> Reader<T> inPlace(ResponseBodyReader<T> reader) {
        return (response, body) -> reader.read(response, body.isReadable()
                ? body.nioBuffer().asReadOnlyBuffer() : EMPTY_BODY);
    }

    private static final ByteBuffer EMPTY_BODY = ByteBuffer.allocate(0).asReadOnlyBuffer();

    final int opaque;
    final int requestCode;
    final String address;
    final long timeoutMs;
    /** The connection the request goes out on; a response from any other connection is not ours. */
    final Channel channel;
    final CompletableFuture<T> future = new CompletableFuture<>();
    private final RequestInvoker owner;
    private final Reader<T> reader;
    /** Set right after creation by the invoking thread, before the request can be written. */
    private volatile Timeout timeout;

    PendingCall(RequestInvoker owner, int opaque, int requestCode, String address, long timeoutMs, Channel channel,
                Reader<T> reader) {
        this.owner = owner;
        this.reader = reader;
        this.opaque = opaque;
        this.requestCode = requestCode;
        this.address = address;
        this.timeoutMs = timeoutMs;
        this.channel = channel;
    }

    void timeout(Timeout timeout) {
        this.timeout = timeout;
    }

    /** The response arrived; {@code body} is released by the caller once this returns. */
    void complete(RemotingCommand response, ByteBuf body) {
        if (owner.remove(this)) {
            cancelTimeout();
            T result;
            try {
                result = reader.read(response, body);
            } catch (Throwable e) {
                // the call is already out of the pending table and its timer cancelled: whatever the reader threw
                // must complete the future, or the caller would wait forever
                future.completeExceptionally(e);
                return;
            }
            future.complete(result);
        }
    }

    void fail(RemotingException cause) {
        if (owner.remove(this)) {
            cancelTimeout();
            future.completeExceptionally(cause);
        }
    }

    private void cancelTimeout() {
        Timeout t = timeout;
        if (t != null) {
            t.cancel();
        }
    }

    /** The timer fired: no response in time. */
    @Override
    public void run(Timeout t) {
        fail(new RemotingTimeoutException("no response from " + address + " to request "
                + RequestCode.describe(requestCode) + " (opaque " + opaque + ") within " + timeoutMs
                + " ms; the server may be overloaded or the timeout too short"));
    }

    /** The request was written (or not). */
    @Override
    public void operationComplete(ChannelFuture write) {
        if (!write.isSuccess()) {
            fail(sendFailure(address, requestCode, write.cause()));
        }
    }

    static RemotingSendRequestException sendFailure(String address, int requestCode, Throwable cause) {
        Throwable root = cause instanceof EncoderException && cause.getCause() != null ? cause.getCause() : cause;
        String why = root.getMessage() != null ? root.getMessage() : root.getClass().getSimpleName();
        return new RemotingSendRequestException("cannot send request " + RequestCode.describe(requestCode) + " to "
                + address + ": " + why, root);
    }
}
