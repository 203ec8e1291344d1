package io.tidemq.store.api;

import io.tidemq.common.message.MessageProperties;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class MessageRecordBuilderTest {

    private static final char NV = MessageProperties.NAME_VALUE_SEPARATOR;
    private static final char END = MessageProperties.PROPERTY_SEPARATOR;

    @Test
    void aProducersCanonicalEncodingIsStoredAsItCame() {
        String encoded = "KEYS" + NV + "order-1" + END + "UNIQ_KEY" + NV + "abc" + END;
        MessageRecord r = MessageRecord.builder("t", 0).encodedProperties(encoded).body(new byte[1]).build();

        assertThat(new String(r.propertiesBytes(), StandardCharsets.UTF_8)).isEqualTo(encoded);
        assertThat(r.properties()).containsExactly(Map.entry("KEYS", "order-1"), Map.entry("UNIQ_KEY", "abc"));
    }

    @Test
    void aNonCanonicalEncodingIsStoredAsTheMapEncodes() {
        // no separator after the last property, and a name given twice: the record holds what the map says
        String unterminated = "A" + NV + "1" + END + "B" + NV + "2";
        String repeated = "A" + NV + "1" + END + "A" + NV + "2" + END;

        assertThat(stored(MessageRecord.builder("t", 0).encodedProperties(unterminated)))
                .isEqualTo("A" + NV + "1" + END + "B" + NV + "2" + END);
        assertThat(stored(MessageRecord.builder("t", 0).encodedProperties(repeated))).isEqualTo("A" + NV + "2" + END);
    }

    @Test
    void propertiesChangedBeforeOrAfterTheEncodingAreStored() {
        String encoded = "A" + NV + "1" + END;

        assertThat(stored(MessageRecord.builder("t", 0).encodedProperties(encoded).property("B", "2")))
                .isEqualTo(encoded + "B" + NV + "2" + END);
        assertThat(stored(MessageRecord.builder("t", 0).tags("x").encodedProperties(encoded)))
                .isEqualTo("TAGS" + NV + "x" + END + encoded);
        assertThat(stored(MessageRecord.builder("t", 0).encodedProperties(encoded).uniqueKey(null)))
                .isEqualTo(encoded);
        assertThat(stored(MessageRecord.builder("t", 0).encodedProperties(encoded).keys("k")))
                .isEqualTo(encoded + "KEYS" + NV + "k" + END);
    }

    @Test
    void anIpv6HostAddsItsPropertyToAKeptEncoding() {
        String encoded = "A" + NV + "1" + END;
        MessageRecord r = MessageRecord.builder("t", 0).encodedProperties(encoded)
                .bornHost(new InetSocketAddress("::2", 5)).body(new byte[1]).build();

        assertThat(new String(r.propertiesBytes(), StandardCharsets.UTF_8)).startsWith(encoded).isNotEqualTo(encoded);
        assertThat(r.properties()).containsKey("A").hasSize(2);
    }

    @Test
    void aBuiltRecordKeepsItsPropertiesWhenTheBuilderChangesAfterwards() {
        MessageRecord.Builder b = MessageRecord.builder("t", 0).encodedProperties("A" + NV + "1" + END)
                .body(new byte[1]);
        MessageRecord first = b.build();
        MessageRecord second = b.property("B", "2").build();

        assertThat(first.properties()).containsOnlyKeys("A");
        assertThat(new String(first.propertiesBytes(), StandardCharsets.UTF_8)).isEqualTo("A" + NV + "1" + END);
        assertThat(second.properties()).containsOnlyKeys("A", "B");
        assertThatThrownBy(() -> first.properties().put("C", "3")).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void aMalformedOrUnstorableEncodingIsRefused() {
        assertThatThrownBy(() -> MessageRecord.builder("t", 0).encodedProperties("no-separator" + END))
                .isInstanceOf(InvalidMessageException.class).hasMessageContaining("malformed")
                .hasCauseInstanceOf(IllegalArgumentException.class);
        // a value holding the name/value separator decodes, but could not be read back: build() refuses it
        MessageRecord.Builder b = MessageRecord.builder("t", 0).encodedProperties("A" + NV + "x" + NV + "y" + END)
                .body(new byte[1]);
        assertThatThrownBy(b::build).isInstanceOf(InvalidMessageException.class).hasMessageContaining("'A'");
    }

    @Test
    void nullOrEmptyEncodingsAddNothing() {
        assertThat(MessageRecord.builder("t", 0).encodedProperties(null).body(new byte[1]).build().propertiesBytes())
                .isEmpty();
        assertThat(stored(MessageRecord.builder("t", 0).property("A", "1").encodedProperties("")))
                .isEqualTo("A" + NV + "1" + END);
        Map<String, String> into = new LinkedHashMap<>();
        assertThat(MessageProperties.decodeInto("", into)).isTrue();
        assertThat(into).isEmpty();
    }

    private static String stored(MessageRecord.Builder b) {
        return new String(b.body(new byte[1]).build().propertiesBytes(), StandardCharsets.UTF_8);
    }
}
