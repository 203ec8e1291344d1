package io.tidemq.client.admin;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class MessageIdAddressTest {

    @Test
    void readsHostPortAndOffsetFromTheBrokerAssignedId() {
        MessageIdAddress a = MessageIdAddress.parse("0A00000500002A9F00000001000000FF");

        assertThat(a.host()).isEqualTo("10.0.0.5");
        assertThat(a.port()).isEqualTo(10911);
        assertThat(a.physicalOffset()).isEqualTo(0x1_0000_00FFL);
        assertThat(a.address()).isEqualTo("10.0.0.5:10911");
        assertThat(a.hasHost()).isTrue();
    }

    @Test
    void anIpv6OnlyStoreHostHasNoUsableAddress() {
        assertThat(MessageIdAddress.parse("0000000000002A9F0000000000000000").hasHost()).isFalse();
    }

    @Test
    void rejectsWrongLengthsNonHexDigitsAndPortsAbove65535() {
        assertThatThrownBy(() -> MessageIdAddress.parse(null)).isInstanceOf(InvalidMessageIdException.class);
        assertThatThrownBy(() -> MessageIdAddress.parse("0A000005")).hasMessageContaining("32 hexadecimal");
        assertThatThrownBy(() -> MessageIdAddress.parse("0A00000500002A9F00000001000000FG"))
                .hasMessageContaining("'G' at index 31");
        assertThatThrownBy(() -> MessageIdAddress.parse("0A00000500012A9F00000001000000FF"))
                .hasMessageContaining("above 65535");
    }
}
