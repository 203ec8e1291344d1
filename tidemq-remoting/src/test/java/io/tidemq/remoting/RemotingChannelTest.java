package io.tidemq.remoting;

import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.InetSocketAddress;

import static org.assertj.core.api.Assertions.assertThat;

class RemotingChannelTest {

    private static RemotingChannel peer(String address) {
        return new RemotingChannel() {
            @Override
            public String remoteAddress() {
                return address;
            }

            @Override
            public boolean isActive() {
                return true;
            }

            @Override
            public boolean isWritable() {
                return true;
            }

            @Override
            public void close() {
            }
        };
    }

    @Test
    void aChannelWithoutASocketGivesTheAddressItsTextNames() throws Exception {
        assertThat(peer("10.0.0.7:4242").remoteSocketAddress())
                .isEqualTo(new InetSocketAddress(InetAddress.getByName("10.0.0.7"), 4242));
        assertThat(peer("[::1]:4242").remoteSocketAddress())
                .isEqualTo(new InetSocketAddress(InetAddress.getByName("::1"), 4242));
    }

    @Test
    void aPeerThatIsNoIpLiteralIsUnknownAndNeverLookedUp() {
        InetSocketAddress unknown = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
        assertThat(peer("broker-a.invalid:4242").remoteSocketAddress()).isEqualTo(unknown);
        assertThat(peer("not an address").remoteSocketAddress()).isEqualTo(unknown);
        assertThat(peer(null).remoteSocketAddress()).isEqualTo(unknown);
    }
}
