package io.tidemq.remoting.netty;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.DefaultByteBufHolder;
import io.tidemq.remoting.protocol.RemotingCommand;

/**
 * A request frame with a body as {@link FrameDecoder} hands it on: the decoded header ({@code request}, its body
 * empty) and the body as a retained slice of the read buffer, not yet copied. {@link CommandHandler} gives both to
 * the {@link RequestDispatcher}, which owns the slice from then on and releases it: at once after copying it for a
 * processor that wants an array, after {@code processRequest} returns for one that reads it in place. A holder
 * nobody handles is released by the pipeline's tail like any other reference-counted message. Event-loop thread
 * only.
 */
final class InboundRequest extends DefaultByteBufHolder {

    final RemotingCommand request;

    InboundRequest(RemotingCommand request, ByteBuf body) {
        super(body);
        this.request = request;
    }
}
