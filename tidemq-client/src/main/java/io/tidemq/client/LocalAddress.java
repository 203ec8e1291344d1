package io.tidemq.client;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.util.Enumeration;

/** Finds the IPv4 address a client reports in its id and its message ids. */
final class LocalAddress {

    private LocalAddress() {
    }

    /** The first non-loopback, site-local IPv4 address, else any non-loopback one, else 127.0.0.1. */
    static String ipv4() {
        String fallback = null;
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
                    if (a instanceof Inet4Address && !a.isLoopbackAddress()) {
                        if (a.isSiteLocalAddress()) {
                            return a.getHostAddress();
                        }
                        fallback = a.getHostAddress();
                    }
                }
            }
        } catch (SocketException e) {
            // fall through to the loopback address: an id that is unique per host is still unique per pid
        }
        return fallback != null ? fallback : "127.0.0.1";
    }
}
