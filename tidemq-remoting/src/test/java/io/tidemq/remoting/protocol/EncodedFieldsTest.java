package io.tidemq.remoting.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class EncodedFieldsTest {

    @Test
    void preEncodedFieldsAreTheSameBytesOnTheWireAsTheSameFieldsPutOneByOne() {
        RemotingCommand viaMap = RemotingCommand.createResponse(10, "ok").putField("k", "v").setBody(new byte[]{1, 2, 3});
        RemotingCommand preEncoded = RemotingCommand.createResponse(10, "ok")
                .withEncodedFields(EncodedFields.builder().put("k", "v").build()).setBody(new byte[]{1, 2, 3});

        assertThat(hex(preEncoded)).isEqualTo(hex(viaMap));
        assertThat(FrameCodec.maxEncodedBytes(preEncoded)).isGreaterThanOrEqualTo(encodedLength(preEncoded));
    }

    @Test
    void aReceiverReadsPreEncodedFieldsAndMapFieldsTogether() throws Exception {
        EncodedFields fixed = EncodedFields.builder().put("topic", "orders").put("bornTimestampMs", 1_764_000_000_000L)
                .put("flag", 7).put("batch", false).put("properties", "KEYS\u0001k\u00e9y\u0002").put("skipped", (String) null)
                .build();
        RemotingCommand cmd = RemotingCommand.createRequest(11).withEncodedFields(fixed.plus("queueId", 3))
                .setBody(new byte[]{9});

        RemotingCommand decoded = roundTrip(cmd);

        assertThat(decoded.fields()).containsExactlyInAnyOrderEntriesOf(Map.of("topic", "orders",
                "bornTimestampMs", "1764000000000", "flag", "7", "batch", "false",
                "properties", "KEYS\u0001k\u00e9y\u0002", "queueId", "3"));
        assertThat(fixed.count()).isEqualTo(5);
        assertThat(decoded.body()).containsExactly(9);
    }

    @Test
    void accessorsOfTheSenderSeeThePreEncodedFieldsAndAPutFieldWins() throws Exception {
        RemotingCommand cmd = RemotingCommand.createRequest(11)
                .withEncodedFields(EncodedFields.builder().put("a", "1").put("b", "2").build());

        assertThat(cmd.field("a")).isEqualTo("1");
        cmd.putField("b", "changed").putField("c", 3);

        assertThat(cmd.fields()).containsExactlyInAnyOrderEntriesOf(Map.of("a", "1", "b", "changed", "c", "3"));
        assertThat(roundTrip(cmd).fields()).containsExactlyInAnyOrderEntriesOf(cmd.fields());
    }

    @Test
    void numbersAreWrittenInDecimalAsLongToStringWritesThem() throws Exception {
        long[] values = {0, 7, -1, -12, 10, 1_764_000_000_123L, Long.MAX_VALUE, Long.MIN_VALUE,
                Integer.MAX_VALUE, Integer.MIN_VALUE};
        EncodedFields.Builder b = EncodedFields.builder(4);
        for (int i = 0; i < values.length; i++) {
            b.put("n" + i, values[i]);
        }
        EncodedFields fields = b.build().plus("queueId", -5).plus("again", Integer.MIN_VALUE);

        Map<String, String> decoded = roundTrip(RemotingCommand.createRequest(1).withEncodedFields(fields)).fields();

        for (int i = 0; i < values.length; i++) {
            assertThat(decoded.get("n" + i)).isEqualTo(Long.toString(values[i]));
        }
        assertThat(decoded).containsEntry("queueId", "-5").containsEntry("again", Integer.toString(Integer.MIN_VALUE))
                .hasSize(values.length + 2);
        assertThat(fields.count()).isEqualTo(values.length + 2);
    }

    @Test
    void attemptsOfOnePreparedSetShareItsBytesAndDoNotSeeEachOther() throws Exception {
        EncodedFields base = EncodedFields.builder().put("topic", "t").build();
        EncodedFields first = base.plus("queueId", 1);
        EncodedFields second = base.plus("queueId", 2);

        assertThat(roundTrip(RemotingCommand.createRequest(1).withEncodedFields(first)).fields())
                .isEqualTo(Map.of("topic", "t", "queueId", "1"));
        assertThat(roundTrip(RemotingCommand.createRequest(1).withEncodedFields(second)).fields())
                .isEqualTo(Map.of("topic", "t", "queueId", "2"));
        assertThat(base.count()).isEqualTo(1);
    }

    @Test
    void aFieldNameLongerThanTheLayoutAllowsIsRefused() {
        String longName = "n".repeat(FrameLayout.MAX_KEY_BYTES + 1);
        assertThatThrownBy(() -> EncodedFields.builder().put(longName, "v"))
                .isInstanceOf(FrameTooLargeException.class).hasMessageContaining("65535");
    }

    private static String hex(RemotingCommand cmd) {
        ByteBuf out = Unpooled.buffer();
        try {
            FrameCodec.encode(cmd, 7, FrameLayout.FLAG_RESPONSE, out, 1024);
            return ByteBufUtil.hexDump(out);
        } finally {
            out.release();
        }
    }

    private static int encodedLength(RemotingCommand cmd) {
        return hex(cmd).length() / 2;
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
