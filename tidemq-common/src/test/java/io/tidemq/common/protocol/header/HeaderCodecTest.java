package io.tidemq.common.protocol.header;

import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class HeaderCodecTest {

    @Test
    void headersRoundTripThroughTheFieldMap() {
        var h = new Headers.PullMessageRequest("g", "t", 3, 42L, 32, -1L, 15_000L, "A || B", null);
        Map<String, String> fields = HeaderCodec.encode(h);
        assertThat(fields).containsEntry("queueOffset", "42").doesNotContainKey("lane");
        assertThat(HeaderCodec.decode(fields, Headers.PullMessageRequest.class)).isEqualTo(h);
    }

    @Test
    void aMissingRequiredFieldNamesTheField() {
        Map<String, String> fields = new HashMap<>(HeaderCodec.encode(new Headers.QueueRequest("t", 1)));
        fields.remove("queueId");
        assertThatThrownBy(() -> HeaderCodec.decode(fields, Headers.QueueRequest.class))
                .isInstanceOf(InvalidHeaderException.class)
                .hasMessageContaining("'queueId' is missing");
    }

    @Test
    void aNonNumericValueIsRejectedNotSilentlyZeroed() {
        Map<String, String> fields = Map.of("topic", "t", "queueId", "x1");
        assertThatThrownBy(() -> HeaderCodec.decode(fields, Headers.QueueRequest.class))
                .isInstanceOf(InvalidHeaderException.class)
                .hasMessageContaining("'x1'");
        // unknown fields are ignored, so newer peers can add fields
        assertThat(HeaderCodec.decode(Map.of("msgId", "m", "queueId", "1", "queueOffset", "2", "x", "y"),
                Headers.SendMessageResponse.class).queueOffset()).isEqualTo(2L);
    }

    @Test
    void booleansMustBeSpelledOut() {
        Map<String, String> fields = new HashMap<>(HeaderCodec.encode(
                new Headers.SendMessageRequest("p", "t", 0, 0, 1L, 0, "", 0, false)));
        fields.put("batch", "yes");
        assertThatThrownBy(() -> HeaderCodec.decode(fields, Headers.SendMessageRequest.class))
                .hasMessageContaining("not a valid boolean");
    }
}
