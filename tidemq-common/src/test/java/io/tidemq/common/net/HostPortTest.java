package io.tidemq.common.net;

import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class HostPortTest {

    @Test
    void parsesNamesIpv4AndBracketedIpv6() {
        assertThat(HostPort.parse("10.0.0.1:9876")).isEqualTo(new HostPort("10.0.0.1", 9876));
        assertThat(HostPort.parse(" broker-a.example:10911 ")).isEqualTo(new HostPort("broker-a.example", 10911));
        assertThat(HostPort.parse("[::1]:10911")).isEqualTo(new HostPort("::1", 10911));
        assertThat(HostPort.parse("[fe80::1%eth0]:9876").host()).isEqualTo("fe80::1%eth0");
    }

    @Test
    void printsTheFormItParses() {
        assertThat(new HostPort("::1", 10911)).hasToString("[::1]:10911");
        assertThat(new HostPort("10.0.0.1", 9876)).hasToString("10.0.0.1:9876");
        for (String text : List.of("10.0.0.1:9876", "[::1]:10911", "localhost:1")) {
            assertThat(HostPort.parse(text)).hasToString(text);
        }
        assertThat(HostPort.format(new InetSocketAddress("::1", 80))).isEqualTo("[0:0:0:0:0:0:0:1]:80");
        assertThat(HostPort.format(new InetSocketAddress("127.0.0.1", 80))).isEqualTo("127.0.0.1:80");
        assertThat(HostPort.of(new InetSocketAddress("127.0.0.1", 80))).isEqualTo(new HostPort("127.0.0.1", 80));
    }

    @Test
    void badAddressesAreRefusedNamingWhatIsWrong() {
        assertThatThrownBy(() -> HostPort.parse(null)).isInstanceOf(InvalidAddressException.class)
                .hasMessageContaining("empty");
        assertThatThrownBy(() -> HostPort.parse("broker-a")).isInstanceOf(InvalidAddressException.class)
                .hasMessageContaining("host:port").hasMessageContaining("no port");
        assertThatThrownBy(() -> HostPort.parse("broker-a:")).hasMessageContaining("no port");
        assertThatThrownBy(() -> HostPort.parse(":80")).hasMessageContaining("host:port")
                .hasMessageContaining("host is empty");
        assertThatThrownBy(() -> HostPort.parse("h:x")).hasMessageContaining("numeric port");
        assertThatThrownBy(() -> HostPort.parse("h:0")).hasMessageContaining("outside [1, 65535]");
        assertThatThrownBy(() -> HostPort.parse("h:65536")).hasMessageContaining("outside [1, 65535]");
        assertThatThrownBy(() -> HostPort.parse("::1:9876")).hasMessageContaining("IPv6 address in brackets");
        assertThatThrownBy(() -> HostPort.parse("[::1:9876")).hasMessageContaining("brackets");
        assertThatThrownBy(() -> HostPort.parse("[]:9876")).hasMessageContaining("brackets");
        assertThatThrownBy(() -> HostPort.parse("a:1,b:2")).hasMessageContaining("separate several addresses with ';'");
        assertThatThrownBy(() -> HostPort.parse("a b:2")).hasMessageContaining("space is not part of an address");
        assertThatThrownBy(() -> new HostPort("h", 0)).isInstanceOf(InvalidAddressException.class);
    }

    @Test
    void aListIsSemicolonSeparatedWithBlanksIgnored() {
        assertThat(HostPort.parseList(" 10.0.0.1:9876 ;; [::1]:9877; ")).containsExactly(
                new HostPort("10.0.0.1", 9876), new HostPort("::1", 9877));
        assertThat(HostPort.parseListAsText("10.0.0.1:9876;10.0.0.2:9876", "namesrvAddrs entry"))
                .containsExactly("10.0.0.1:9876", "10.0.0.2:9876");
        assertThat(HostPort.parseList(null)).isEmpty();
        assertThatThrownBy(() -> HostPort.parseList("10.0.0.1:9876;h", "namesrvAddrs entry"))
                .hasMessageStartingWith("namesrvAddrs entry 'h' is not host:port: it has no port");
        assertThat(HostPort.parseList(" ; ")).isEmpty();
        assertThatThrownBy(() -> HostPort.parseList("10.0.0.1:9876,10.0.0.2:9876"))
                .isInstanceOf(InvalidAddressException.class).hasMessageContaining("separate several addresses with ';'");
    }

    @Test
    void ipLiteralsAreToldFromNames() {
        assertThat(HostPort.parse("10.0.0.1:1").isIpLiteral()).isTrue();
        assertThat(HostPort.parse("[::1]:1").isIpLiteral()).isTrue();
        assertThat(HostPort.parse("broker-a:1").isIpLiteral()).isFalse();
        assertThat(HostPort.parse("10.0.0:1").isIpLiteral()).isFalse();
    }
}
