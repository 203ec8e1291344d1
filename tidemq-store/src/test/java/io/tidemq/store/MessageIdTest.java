package io.tidemq.store;

import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class MessageIdTest {

    @Test
    void encodesHostPortAndOffsetAs32HexCharactersAndDecodesThemBack() {
        InetSocketAddress host = new InetSocketAddress("192.168.7.9", 10911);
        String id = MessageId.encode(host, 0x1234_5678_9ABCL);

        assertThat(id).hasSize(32).isEqualTo("C0A80709" + "00002A9F" + "0000123456789ABC");
        MessageId decoded = MessageId.decode(id);
        assertThat(decoded.storeHost()).isEqualTo(host);
        assertThat(decoded.physicalOffset()).isEqualTo(0x1234_5678_9ABCL);
        assertThat(MessageId.decode(id.toLowerCase())).isEqualTo(decoded);
        assertThat(decoded.toString()).isEqualTo(id);
    }

    @Test
    void malformedIdsAreRejectedWithAClearReason() {
        assertThatThrownBy(() -> MessageId.decode(null)).isInstanceOf(MalformedMessageIdException.class);
        assertThatThrownBy(() -> MessageId.decode("ABC")).isInstanceOf(MalformedMessageIdException.class)
                .hasMessageContaining("32 hexadecimal");
        assertThatThrownBy(() -> MessageId.decode("C0A80709" + "00002A9F" + "000012345678XABC"))
                .isInstanceOf(MalformedMessageIdException.class).hasMessageContaining("'X' at index 28");
        assertThatThrownBy(() -> MessageId.decode("C0A80709" + "00FFFFFF" + "0000123456789ABC"))
                .isInstanceOf(MalformedMessageIdException.class).hasMessageContaining("port");
    }
}
