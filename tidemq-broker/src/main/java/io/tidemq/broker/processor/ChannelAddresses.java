package io.tidemq.broker.processor;

import io.tidemq.remoting.RemotingChannel;
import io.tidemq.remoting.netty.NettyRemotingChannel;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnknownHostException;

/** The socket address of a client connection, as the store's born host. */
public final class ChannelAddresses {

    private static final InetSocketAddress UNKNOWN = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);

    private ChannelAddresses() {
    }

    /**
     * The peer's address. Netty caches the resolved address on the channel, so the common case costs no
     * parsing; other channel kinds fall back to parsing {@code host:port} (literal IPs only, never DNS).
     */
    public static InetSocketAddress inetAddress(RemotingChannel channel) {
        if (channel instanceof NettyRemotingChannel n) {
            SocketAddress a = n.nettyChannel().remoteAddress();
            if (a instanceof InetSocketAddress isa) {
                return isa;
            }
        }
        return parse(channel.remoteAddress());
    }

    static InetSocketAddress parse(String hostPort) {
        if (hostPort == null) {
            return UNKNOWN;
        }
        int colon = hostPort.lastIndexOf(':');
        if (colon <= 0) {
            return UNKNOWN;
        }
        String host = hostPort.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        if (!isIpLiteral(host)) {
            return UNKNOWN;
        }
        try {
            return new InetSocketAddress(InetAddress.getByName(host), Integer.parseInt(hostPort.substring(colon + 1)));
        } catch (UnknownHostException | IllegalArgumentException e) {
            return UNKNOWN;
        }
    }

    private static boolean isIpLiteral(String host) {
        for (int i = 0; i < host.length(); i++) {
            char c = host.charAt(i);
            if (!(Character.digit(c, 16) >= 0 || c == '.' || c == ':')) {
                return false;
            }
        }
        return !host.isEmpty();
    }

    /** {@code ip:port} ({@code [v6]:port} for IPv6), the host text of a delivered message. */
    public static String text(InetSocketAddress address) {
        InetAddress ip = address.getAddress();
        String host = ip == null ? address.getHostString() : ip.getHostAddress();
        return host.indexOf(':') >= 0 ? "[" + host + "]:" + address.getPort() : host + ":" + address.getPort();
    }
}
