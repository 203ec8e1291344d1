package io.tidemq.it.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Loopback ports free at the time of asking, for child JVMs that must be told their port up front.
 *
 * <p>They come from below Linux's ephemeral range (32768–60999 here): a port from that range can be taken by any
 * outgoing connection between the moment it is handed out and the moment the child binds it (a Ratis peer once
 * failed that way). Each surefire fork ({@code tidemq.it.fork}, 1-based; tidemq-it runs two) has its own slice of
 * 20000–32767, so two test classes running side by side never get the same port. Within a fork a port is drawn at
 * random from the slice (a sequential walk from two JVMs that share a slice, as when several people run tests on one
 * machine, collides for a long stretch once the walks meet), checked by binding it, and never handed out twice.
 */
public final class FreePorts {

    private static final int FIRST = 20_000;
    private static final int LAST = 32_767;
    private static final int FORKS = 2;

    private static final int SLICE = (LAST - FIRST + 1) / FORKS;
    private static final int BASE = FIRST + SLICE * Math.floorMod(Integer.getInteger("tidemq.it.fork", 1) - 1, FORKS);
    /** Ports this JVM handed out; guarded by the class lock. */
    private static final java.util.Set<Integer> HANDED_OUT = new java.util.HashSet<>();

    private FreePorts() {
    }

    public static synchronized int next() {
        for (int tried = 0; tried < SLICE && HANDED_OUT.size() < SLICE; tried++) {
            int port = BASE + ThreadLocalRandom.current().nextInt(SLICE);
            if (!HANDED_OUT.contains(port) && bindable(port)) {
                HANDED_OUT.add(port);
                return port;
            }
        }
        throw new UncheckedIOException(new IOException("no free loopback port in " + BASE + ".." + (BASE + SLICE - 1)));
    }

    private static boolean bindable(int port) {
        try (ServerSocket s = new ServerSocket()) {
            s.setReuseAddress(true);
            s.bind(new java.net.InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
