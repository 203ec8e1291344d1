package io.tidemq.common.message;

import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The one message-id codec, used by the store (encode), the broker and the admin client (decode). */
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
    void readsTheStoreHostAddressTheAdminClientAsksFirst() {
        MessageId id = MessageId.decode("0A00000500002A9F00000001000000FF");

        assertThat(id.storeHostText()).isEqualTo("10.0.0.5:10911");
        assertThat(id.storePort()).isEqualTo(10911);
        assertThat(id.physicalOffset()).isEqualTo(0x1_0000_00FFL);
        assertThat(id.hasStoreHost()).isTrue();
    }

    @Test
    void anIpv6OnlyStoreHostHasNoUsableAddress() {
        assertThat(MessageId.decode("0000000000002A9F0000000000000000").hasStoreHost()).isFalse();
    }

    @Test
    void malformedIdsAreRejectedWithAClearReason() {
        assertThatThrownBy(() -> MessageId.decode(null)).isInstanceOf(MalformedMessageIdException.class);
        assertThatThrownBy(() -> MessageId.decode("ABC")).isInstanceOf(MalformedMessageIdException.class)
                .hasMessageContaining("32 hexadecimal");
        assertThatThrownBy(() -> MessageId.decode("C0A80709" + "00002A9F" + "000012345678XABC"))
                .isInstanceOf(MalformedMessageIdException.class).hasMessageContaining("'X' at index 28")
                .hasMessageContaining("not a hexadecimal digit");
        assertThatThrownBy(() -> MessageId.decode("0A00000500002A9F00000001000000FG"))
                .hasMessageContaining("'G' at index 31");
        assertThatThrownBy(() -> MessageId.decode("C0A80709" + "00FFFFFF" + "0000123456789ABC"))
                .isInstanceOf(MalformedMessageIdException.class).hasMessageContaining("port")
                .hasMessageContaining("above 65535");
        assertThatThrownBy(() -> MessageId.decode("C0A80709" + "00002A9F" + "F000000000000000"))
                .isInstanceOf(MalformedMessageIdException.class).hasMessageContaining("negative CommitLog offset");
    }

    @Test
    void aMalformedIdIsAnArgumentError() {
        assertThatThrownBy(() -> MessageId.decode("ABC")).isInstanceOf(IllegalArgumentException.class);
    }
}
