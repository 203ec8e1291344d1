package io.tidemq.common.protocol.header;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
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
    void fieldsReadInWireOrderDecodeWithoutAMapInAnyOrderLaterNamesWinning() {
        List<String[]> wire = List.of(new String[]{"queueOffset", "7"}, new String[]{"unknown", "x"},
                new String[]{"queueId", "1"}, new String[]{"msgId", "first"}, new String[]{"msgId", "m"});
        HeaderCodec.FieldSource source = sink -> wire.forEach(f -> sink.field(f[0], f[1]));

        assertThat(HeaderCodec.decode(source, Headers.SendMessageResponse.class))
                .isEqualTo(new Headers.SendMessageResponse("m", 1, 7L, null));
        HeaderCodec.FieldSource noQueueId = sink -> sink.field("msgId", "m");
        assertThatThrownBy(() -> HeaderCodec.decode(noQueueId, Headers.SendMessageResponse.class))
                .isInstanceOf(InvalidHeaderException.class).hasMessageContaining("'queueId' is missing");
        HeaderCodec.FieldSource badNumber = sink -> {
            sink.field("queueId", "1");
            sink.field("queueOffset", "seven");
        };
        assertThatThrownBy(() -> HeaderCodec.decode(badNumber, Headers.SendMessageResponse.class))
                .isInstanceOf(InvalidHeaderException.class).hasMessageContaining("'seven'");
    }

    @Test
    void encodingToASinkGivesEachNonNullComponentInDeclarationOrderWithItsType() {
        List<Object> seen = new ArrayList<>();
        HeaderCodec.encodeInto(new Headers.SendMessageResponse("m", 2, 9L, null), (name, value) -> {
            seen.add(name);
            seen.add(value);
        });
        assertThat(seen).containsExactly("msgId", "m", "queueId", 2, "queueOffset", 9L);
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
