package io.tidemq.common.net;

import org.junit.jupiter.api.Test;

import java.net.InetAddress;

import static org.assertj.core.api.Assertions.assertThat;

class LocalAddressTest {

    @Test
    void detectsAnIpv4LiteralThatIsNeitherLinkLocalNorAWildcard() throws Exception {
        String ip = LocalAddress.ipv4();

        assertThat(HostPort.parse(ip + ":1").isIpLiteral()).isTrue();
        InetAddress a = InetAddress.getByName(ip);
        assertThat(a.getAddress()).hasSize(4);
        assertThat(a.isLinkLocalAddress()).isFalse();
        assertThat(a.isAnyLocalAddress()).isFalse();
        // loopback only when the host has nothing better
        assertThat(LocalAddress.ipv4()).isEqualTo(ip);
    }
}
