package io.tidemq.common.message;

import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class MessageTest {

    @Test
    void propertiesRoundTripThroughTheirTextEncoding() {
        Map<String, String> props = new LinkedHashMap<>();
        props.put("TAGS", "TagA");
        props.put("KEYS", "order-1 order-2");
        props.put("empty", "");
        assertThat(MessageProperties.decode(MessageProperties.encode(props))).containsExactlyEntriesOf(props);
        assertThat(MessageProperties.decode("")).isEmpty();
        assertThat(MessageProperties.decode(null)).isEmpty();
    }

    @Test
    void malformedPropertyTextIsRejectedWithAClearError() {
        assertThatThrownBy(() -> MessageProperties.decode("noSeparator\u0002"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("malformed message properties");
    }

    @Test
    void builderSetsTagKeysAndUserPropertiesAndRejectsReservedNames() {
        Message m = Message.builder("orders").tag("paid").keys("o-1", "o-2").property("region", "eu").body("hi").build();
        assertThat(m.tag()).isEqualTo("paid");
        assertThat(m.keys()).containsExactly("o-1", "o-2");
        assertThat(m.property("region")).isEqualTo("eu");
        assertThat(new String(m.body(), java.nio.charset.StandardCharsets.UTF_8)).isEqualTo("hi");

        assertThatThrownBy(() -> Message.builder("orders").property(MessageConst.TAGS, "x"))
                .hasMessageContaining("reserved");
        assertThatThrownBy(() -> Message.builder("orders").tag("a b")).hasMessageContaining("tag");
        assertThatThrownBy(() -> Message.builder("orders").keys("has space")).hasMessageContaining("key");
        assertThatThrownBy(() -> Message.builder("orders").property("bad\u0001name", "v"))
                .hasMessageContaining("\\u0001");
    }

    @Test
    void toBuilderCopiesEverything() {
        Message m = Message.builder("orders").tag("t").property("p", "v").flag(7).body(new byte[] {1, 2}).build();
        Message copy = m.toBuilder().build();
        assertThat(copy.properties()).isEqualTo(m.properties());
        assertThat(copy.flag()).isEqualTo(7);
        assertThat(copy.body()).containsExactly(1, 2);
    }
}
