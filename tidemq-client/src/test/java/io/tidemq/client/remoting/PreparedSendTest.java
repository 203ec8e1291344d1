package io.tidemq.client.remoting;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.tidemq.common.protocol.RequestCode;
import io.tidemq.common.protocol.header.Headers;
import io.tidemq.remoting.protocol.FrameCodec;
import io.tidemq.remoting.protocol.FrameLayout;
import io.tidemq.remoting.protocol.RemotingCommand;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class PreparedSendTest {

    /** The broker reads a prepared send exactly as the header record the SDK used to write field by field. */
    @Test
    void eachAttemptDecodesToTheSendHeaderWithItsOwnQueueId() throws Exception {
        Headers.SendMessageRequest header = new Headers.SendMessageRequest("group-a", "orders", 0, 0, 1_764_000_000_123L,
                5, "KEYS\u0001order-1\u0002UNIQ_KEY\u0001ABC\u0002", 0, false);
        PreparedSend prepared = PreparedSend.of(header);

        for (int queueId : new int[] {0, 3, 1023}) {
            RemotingCommand decoded = roundTrip(prepared.request(queueId, new byte[] {1, 2}));
            assertThat(decoded.code()).isEqualTo(RequestCode.SEND_MESSAGE.code());
            assertThat(decoded.readHeader(Headers.SendMessageRequest.class))
                    .isEqualTo(new Headers.SendMessageRequest("group-a", "orders", queueId, 0, 1_764_000_000_123L, 5,
                            "KEYS\u0001order-1\u0002UNIQ_KEY\u0001ABC\u0002", 0, false));
            // same field names and values as the record written through the header codec
            assertThat(decoded.fields()).isEqualTo(roundTrip(RemotingCommand.createRequest(RequestCode.SEND_MESSAGE)
                    .writeHeader(new Headers.SendMessageRequest("group-a", "orders", queueId, 0, 1_764_000_000_123L, 5,
                            "KEYS\u0001order-1\u0002UNIQ_KEY\u0001ABC\u0002", 0, false))).fields());
            assertThat(decoded.body()).containsExactly(1, 2);
        }
    }

    @Test
    void aBatchGoesAsSendBatchMessage() throws Exception {
        PreparedSend prepared = PreparedSend.of(new Headers.SendMessageRequest("g", "t", 0, 0, 1L, 0, "", 0, true));

        RemotingCommand decoded = roundTrip(prepared.request(2, new byte[] {7}));

        assertThat(decoded.code()).isEqualTo(RequestCode.SEND_BATCH_MESSAGE.code());
        assertThat(decoded.readHeader(Headers.SendMessageRequest.class).batch()).isTrue();
        assertThat(decoded.readHeader(Headers.SendMessageRequest.class).queueId()).isEqualTo(2);
        assertThat(decoded.readHeader(Headers.SendMessageRequest.class).compactIds()).isNull();
    }

    @Test
    void aBatchThatAsksForCompactIdsSaysSoAsTheHeaderCodecWould() throws Exception {
        Headers.SendMessageRequest header = new Headers.SendMessageRequest("g", "t", 4, 0, 1L, 0, "", 0, true, true);

        RemotingCommand decoded = roundTrip(PreparedSend.of(header).request(4, new byte[] {7}));

        assertThat(decoded.readHeader(Headers.SendMessageRequest.class)).isEqualTo(header);
        assertThat(decoded.fields()).isEqualTo(roundTrip(RemotingCommand.createRequest(RequestCode.SEND_BATCH_MESSAGE)
                .writeHeader(header)).fields());
    }

    private static RemotingCommand roundTrip(RemotingCommand cmd) throws Exception {
        ByteBuf buf = Unpooled.directBuffer();
        try {
            FrameCodec.encode(cmd, 1, 0, buf, FrameLayout.DEFAULT_MAX_FRAME_BYTES);
            int totalLength = buf.readInt();
            int headerLength = buf.readInt();
            return FrameCodec.decode(buf, headerLength, totalLength - 4 - headerLength);
        } finally {
            buf.release();
        }
    }
}
