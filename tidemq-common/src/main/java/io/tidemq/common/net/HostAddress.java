package io.tidemq.common.net;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;

/** Converts socket addresses to the record's IPv4 + port fields and back. */
public final class HostAddress {

    private HostAddress() {
    }

    /**
     * The IPv4 address as a big-endian int, IPv4-mapped IPv6 addresses included; 0 for a real IPv6 address
     * (the record then carries the full address in a property, see the storage format).
     */
    public static int ipv4(InetSocketAddress address) {
        InetAddress ip = address.getAddress();
        byte[] bytes;
        if (ip instanceof Inet4Address) {
            bytes = ip.getAddress();
        } else if (ip instanceof Inet6Address && isIpv4Mapped(ip.getAddress())) {
            byte[] v6 = ip.getAddress();
            bytes = new byte[] {v6[12], v6[13], v6[14], v6[15]};
        } else {
            return 0;
        }
        return ((bytes[0] & 0xFF) << 24) | ((bytes[1] & 0xFF) << 16) | ((bytes[2] & 0xFF) << 8) | (bytes[3] & 0xFF);
    }

    /** Whether the address can only be stored in the IPv6 property (neither IPv4 nor IPv4-mapped). */
    public static boolean isIpv6Only(InetSocketAddress address) {
        InetAddress ip = address.getAddress();
        return ip instanceof Inet6Address && !isIpv4Mapped(ip.getAddress());
    }

    private static boolean isIpv4Mapped(byte[] v6) {
        for (int i = 0; i < 10; i++) {
            if (v6[i] != 0) {
                return false;
            }
        }
        return v6[10] == (byte) 0xFF && v6[11] == (byte) 0xFF;
    }

    public static InetSocketAddress fromIpv4(int ipv4, int port) {
        byte[] bytes = {(byte) (ipv4 >>> 24), (byte) (ipv4 >>> 16), (byte) (ipv4 >>> 8), (byte) ipv4};
        try {
            return new InetSocketAddress(InetAddress.getByAddress(bytes), port);
        } catch (UnknownHostException e) {
            throw new IllegalStateException("4 bytes are always a valid IPv4 address", e);
        }
    }

    /** {@code [address]:port}, the text form of the IPv6 host properties ({@link HostPort#format}). */
    public static String toText(InetSocketAddress address) {
        return HostPort.format(address);
    }

    /**
     * Parses the text of an IPv6 host property: an IP literal and port as {@link HostPort} reads them (a host
     * name is never resolved); returns null when the text is absent or malformed.
     */
    public static InetSocketAddress parseText(String text) {
        if (text == null) {
            return null;
        }
        try {
            HostPort hp = HostPort.parse(text);
            return hp.isIpLiteral() ? new InetSocketAddress(InetAddress.getByName(hp.host()), hp.port()) : null;
        } catch (InvalidAddressException | UnknownHostException e) {
            return null;
        }
    }
}
