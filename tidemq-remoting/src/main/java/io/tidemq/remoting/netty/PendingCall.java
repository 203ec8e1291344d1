package io.tidemq.remoting.netty;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.handler.codec.EncoderException;
import io.netty.util.Timeout;
import io.netty.util.TimerTask;
import io.tidemq.common.protocol.RequestCode;
import io.tidemq.remoting.exception.RemotingException;
import io.tidemq.remoting.exception.RemotingSendRequestException;
import io.tidemq.remoting.exception.RemotingTimeoutException;
import io.tidemq.remoting.protocol.RemotingCommand;

import java.util.concurrent.CompletableFuture;

/**
 * A request waiting for its response. It is its own timeout task and its own write listener, so a call
 * costs one object besides the future. Whoever first removes it from the pending table (the response, the
 * timeout, a failed write, the connection closing) completes it; the others find it gone and do nothing.
 */
final class PendingCall implements TimerTask, ChannelFutureListener {

    final int opaque;
    final int requestCode;
    final String address;
    final long timeoutMs;
    /** The connection the request goes out on; a response from any other connection is not ours. */
    final Channel channel;
    final CompletableFuture<RemotingCommand> future = new CompletableFuture<>();
    private final RequestInvoker owner;
    /** Set right after creation by the invoking thread, before the request can be written. */
    private volatile Timeout timeout;

    PendingCall(RequestInvoker owner, int opaque, int requestCode, String address, long timeoutMs, Channel channel) {
        this.owner = owner;
        this.opaque = opaque;
        this.requestCode = requestCode;
        this.address = address;
        this.timeoutMs = timeoutMs;
        this.channel = channel;
    }

    void timeout(Timeout timeout) {
        this.timeout = timeout;
    }

    void complete(RemotingCommand response) {
        if (owner.remove(this)) {
            cancelTimeout();
            future.complete(response);
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
