package io.tidemq.remoting;

import io.tidemq.remoting.protocol.RemotingCommand;

import java.nio.ByteBuffer;

/**
 * Turns a response's body into what the caller needs while the body still lies in the network buffer it was read
 * into ({@link RemotingClient#invokeAsync(String, RemotingCommand, long, ResponseBodyReader)}), so a large body is
 * not first copied into a {@code byte[]} and then copied again out of it.
 *
 * <p>Runs on the connection's network thread, once, for a response that arrived in time. {@code body} is a
 * read-only view of the frame's body that is valid only during the call: the buffer under it is released and
 * reused afterwards, so the result must not keep {@code body} or anything that reads through it (copy what you
 * keep). {@code response.body()} is empty during the call. An exception thrown here completes the call's future
 * exceptionally with it.
 */
@FunctionalInterface
public interface ResponseBodyReader<T> {

    T read(RemotingCommand response, ByteBuffer body);
}
