package io.tidemq.remoting.netty;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.DefaultByteBufHolder;
import io.tidemq.remoting.protocol.RemotingCommand;

/**
 * A response frame as {@link FrameDecoder} hands it on: the decoded header ({@code response}, its body empty) and
 * the body as a retained slice of the read buffer, not yet copied. {@link CommandHandler} passes both to the waiting
 * call, whose reader copies what it keeps, and releases the slice; a holder nobody handles is released by the
 * pipeline's tail like any other reference-counted message. Event-loop thread only.
 */
final class InboundResponse extends DefaultByteBufHolder {

    final RemotingCommand response;

    InboundResponse(RemotingCommand response, ByteBuf body) {
        super(body);
        this.response = response;
    }
}
