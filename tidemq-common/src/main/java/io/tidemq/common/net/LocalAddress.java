package io.tidemq.common.net;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.util.Enumeration;

/**
 * The one local-address detector: the IPv4 address a broker advertises ({@code brokerIp}) and a client reports in
 * its id and message ids ({@code clientIp}) when none is configured.
 */
public final class LocalAddress {

    private static final String LOOPBACK = "127.0.0.1";

    private LocalAddress() {
    }

    /**
     * Among the IPv4 addresses of the interfaces that are up and neither loopback nor virtual, and that are
     * themselves neither loopback nor link-local (169.254.x.x, no route beyond the link): the first site-local
     * one (10/8, 172.16/12, 192.168/16), else the first other one, else {@code 127.0.0.1}.
     */
    public static String ipv4() {
        String other = null;
        try {
            Enumeration<NetworkInterface> nics = NetworkInterface.getNetworkInterfaces();
            while (nics != null && nics.hasMoreElements()) {
                NetworkInterface nic = nics.nextElement();
                if (!nic.isUp() || nic.isLoopback() || nic.isVirtual()) {
                    continue;
                }
                Enumeration<InetAddress> addrs = nic.getInetAddresses();
                while (addrs.hasMoreElements()) {
                    InetAddress a = addrs.nextElement();
                    if (!(a instanceof Inet4Address) || a.isLoopbackAddress() || a.isLinkLocalAddress()) {
                        continue;
                    }
                    if (a.isSiteLocalAddress()) {
                        return a.getHostAddress();
                    }
                    if (other == null) {
                        other = a.getHostAddress();
                    }
                }
            }
        } catch (SocketException e) {
            // fall through to the loopback address: a single-host setup still works, and ids stay unique per pid
        }
        return other != null ? other : LOOPBACK;
    }
}
