package io.tidemq.remoting.protocol;

import io.tidemq.common.protocol.RequestCode;
import io.tidemq.common.protocol.ResponseCode;
import io.tidemq.common.protocol.header.Headers;
import io.tidemq.common.protocol.header.InvalidHeaderException;
import org.junit.jupiter.api.Test;

import static io.tidemq.remoting.protocol.WireRoundTrip.roundTrip;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RemotingCommandTest {

    @Test
    void typedFieldsReadBackAsTheirType() {
        RemotingCommand cmd = RemotingCommand.createRequest(RequestCode.PULL_MESSAGE)
                .putField("topic", "orders")
                .putField("queueId", 3)
                .putField("queueOffset", 1L << 40)
                .putField("suspend", true);

        assertThat(cmd.code()).isEqualTo(12);
        assertThat(cmd.isResponse()).isFalse();
        assertThat(cmd.field("topic")).isEqualTo("orders");
        assertThat(cmd.fieldAsInt("queueId")).isEqualTo(3);
        assertThat(cmd.fieldAsLong("queueOffset")).isEqualTo(1L << 40);
        assertThat(cmd.fieldAsBoolean("suspend")).isTrue();
        assertThat(cmd.fields()).hasSize(4);
    }

    @Test
    void absentFieldsFallBackToDefaultsOrFailNamingTheField() {
        RemotingCommand cmd = RemotingCommand.createRequest(1);

        assertThat(cmd.field("x")).isNull();
        assertThat(cmd.hasField("x")).isFalse();
        assertThat(cmd.fieldAsLong("x", -1L)).isEqualTo(-1L);
        assertThat(cmd.fieldAsInt("x", 5)).isEqualTo(5);
        assertThat(cmd.fieldAsBoolean("x", true)).isTrue();
        assertThatThrownBy(() -> cmd.fieldAsLong("queueOffset"))
                .isInstanceOf(InvalidHeaderException.class)
                .hasMessageContaining("'queueOffset' is missing");
    }

    @Test
    void malformedValuesAreRejectedNotSilentlyZeroed() {
        RemotingCommand cmd = RemotingCommand.createRequest(1)
                .putField("n", "12x")
                .putField("b", "yes");

        assertThatThrownBy(() -> cmd.fieldAsInt("n")).isInstanceOf(InvalidHeaderException.class)
                .hasMessageContaining("'12x'").hasMessageContaining("an int");
        assertThatThrownBy(() -> cmd.fieldAsLong("n", 0)).isInstanceOf(InvalidHeaderException.class);
        assertThatThrownBy(() -> cmd.fieldAsBoolean("b")).isInstanceOf(InvalidHeaderException.class)
                .hasMessageContaining("true or false");
    }

    @Test
    void puttingNullRemovesAField() {
        RemotingCommand cmd = RemotingCommand.createRequest(1).putField("a", "1");
        cmd.putField("a", (String) null);
        assertThat(cmd.hasField("a")).isFalse();
    }

    @Test
    void typedHeaderRecordsRoundTripThroughTheFields() {
        var header = new Headers.QueryConsumerOffsetRequest("group-a", "orders", 2);
        RemotingCommand cmd = RemotingCommand.createRequest(RequestCode.QUERY_CONSUMER_OFFSET).writeHeader(header);

        assertThat(cmd.field("consumerGroup")).isEqualTo("group-a");
        assertThat(cmd.readHeader(Headers.QueryConsumerOffsetRequest.class)).isEqualTo(header);
    }

    @Test
    void aHeaderWrittenToAFreshCommandGoesStraightToWireBytesAndDecodesToTheSameRecord() throws Exception {
        var header = new Headers.SendMessageResponse("0A0B0C0D00002A9F0000000000001F40", 7, -3L, null);
        RemotingCommand response = RemotingCommand.success().writeHeader(header);

        assertThat(response.rawFields()).as("no field map is filled").isNull();
        assertThat(response.encodedFields()).isNotNull();
        RemotingCommand decoded = roundTrip(response);
        assertThat(decoded.fields()).as("the null component is not sent")
                .containsOnlyKeys("msgId", "queueId", "queueOffset");
        assertThat(decoded.readHeader(Headers.SendMessageResponse.class)).isEqualTo(header);
        var pull = new Headers.PullMessageRequest("g", "t\u00e9", 1, Long.MAX_VALUE, 32, Long.MIN_VALUE, 0, "*", null, null);
        assertThat(roundTrip(RemotingCommand.createRequest(RequestCode.PULL_MESSAGE).writeHeader(pull))
                .readHeader(Headers.PullMessageRequest.class)).isEqualTo(pull);
    }

    @Test
    void readsByNameOfAFrameReadOffTheWireScanItsBytesWithoutAMapAndAnswerAsTheMapWould() throws Exception {
        RemotingCommand sent = RemotingCommand.createRequest(RequestCode.QUERY_CONSUMER_OFFSET)
                .withEncodedFields(EncodedFields.builder()
                        .put("offset", 1234567890123L).put("neg", -42).put("dup", 1).put("dup", 2)
                        .put("big", Long.MAX_VALUE).put("text", "abc").put("plus", "+7").put("empty", "")
                        .put("\u00e9t\u00e9", "summer").build());
        RemotingCommand received = roundTrip(sent);

        assertThat(received.fieldAsLong("offset")).isEqualTo(1234567890123L);
        assertThat(received.fieldAsInt("neg")).isEqualTo(-42);
        assertThat(received.fieldAsInt("dup")).as("the later of two wins, as in a map").isEqualTo(2);
        assertThat(received.fieldAsLong("big")).as("19 digits: parsed from the text").isEqualTo(Long.MAX_VALUE);
        assertThat(received.fieldAsInt("plus")).isEqualTo(7);
        assertThat(received.fieldAsLong("absent", -1)).isEqualTo(-1);
        assertThat(received.field("text")).isEqualTo("abc");
        assertThat(received.field("empty")).isEmpty();
        assertThat(received.hasField("absent")).isFalse();
        assertThatThrownBy(() -> received.fieldAsLong("text")).isInstanceOf(InvalidHeaderException.class)
                .hasMessageContaining("text");
        assertThatThrownBy(() -> received.fieldAsInt("offset")).isInstanceOf(InvalidHeaderException.class);
        assertThatThrownBy(() -> received.fieldAsLong("absent")).isInstanceOf(InvalidHeaderException.class);
        assertThat(received.hasFieldMap()).as("no map for reads by name").isFalse();
        assertThat(received.field("\u00e9t\u00e9")).as("a name that is not ASCII reads through the map")
                .isEqualTo("summer");
        assertThat(received.hasFieldMap()).isTrue();
        assertThat(received.fieldAsInt("dup")).isEqualTo(2);
    }

    @Test
    void fieldsPutAfterAHeaderRecordJoinItAndWin() throws Exception {
        RemotingCommand response = RemotingCommand.success()
                .writeHeader(new Headers.SendMessageResponse("id", 1, 2L, "tx"))
                .putField("queueId", 9)
                .putField("extra", "x");

        RemotingCommand decoded = roundTrip(response);
        assertThat(decoded.fields()).containsEntry("queueId", "9").containsEntry("extra", "x")
                .containsEntry("msgId", "id").containsEntry("transactionId", "tx").hasSize(5);
        assertThat(response.field("queueOffset")).isEqualTo("2");
    }

    @Test
    void aFrameReadOffTheWireKeepsItsFieldBytesAndReadsTheSameWithOrWithoutAMap() throws Exception {
        RemotingCommand sent = RemotingCommand.createRequest(RequestCode.QUERY_CONSUMER_OFFSET)
                .writeHeader(new Headers.QueryConsumerOffsetRequest("group-a", "orders", 2))
                .putField("extra", "\u00fc");
        RemotingCommand received = roundTrip(sent);

        assertThat(received.rawFields()).as("no map until a field is read by name").isNull();
        assertThat(received.readHeader(Headers.QueryConsumerOffsetRequest.class))
                .isEqualTo(new Headers.QueryConsumerOffsetRequest("group-a", "orders", 2));
        assertThat(received.rawFields()).isNull();
        assertThat(received.field("extra")).isEqualTo("\u00fc");
        assertThat(received.fields()).hasSize(4);
        assertThat(received.readHeader(Headers.QueryConsumerOffsetRequest.class).queueId()).isEqualTo(2);
    }

    @Test
    void ofTwoWireFieldsOfOneNameTheLaterWinsForMapsAndHeadersAlike() throws Exception {
        EncodedFields twice = EncodedFields.builder().put("topic", "a").put("queueId", 1).put("topic", "b").build();
        RemotingCommand received = roundTrip(RemotingCommand.createRequest(1).withEncodedFields(twice));

        assertThat(received.readHeader(Headers.QueueRequest.class)).isEqualTo(new Headers.QueueRequest("b", 1));
        assertThat(received.field("topic")).isEqualTo("b");
        assertThat(received.putField("queueId", 5).fields()).containsEntry("queueId", "5").hasSize(2);
    }

    @Test
    void responsesCarryTheResponseFlagAndRemark() {
        RemotingCommand response = RemotingCommand.createResponse(ResponseCode.TOPIC_NOT_EXIST, "no topic t");

        assertThat(response.isResponse()).isTrue();
        assertThat(response.isSuccess()).isFalse();
        assertThat(response.remark()).isEqualTo("no topic t");
        assertThat(RemotingCommand.success().isSuccess()).isTrue();
        assertThat(response.toString()).contains("TOPIC_NOT_EXIST(10)");
    }

    @Test
    void aNullBodyIsEmpty() {
        assertThat(RemotingCommand.createRequest(1).setBody(null).body()).isEmpty();
        assertThat(RemotingCommand.createRequest(1).body()).isEmpty();
    }
}
