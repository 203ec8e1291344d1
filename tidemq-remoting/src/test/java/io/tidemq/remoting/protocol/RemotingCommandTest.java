package io.tidemq.remoting.protocol;

import io.tidemq.common.protocol.RequestCode;
import io.tidemq.common.protocol.ResponseCode;
import io.tidemq.common.protocol.header.Headers;
import io.tidemq.common.protocol.header.InvalidHeaderException;
import org.junit.jupiter.api.Test;

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
