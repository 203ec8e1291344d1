package io.tidemq.it.support;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.IntPredicate;

/**
 * An in-test TCP proxy on a loopback port chosen at run time, forwarding to {@code target}, for partition tests:
 * {@link Mode#PASS} forwards bytes both ways; {@link Mode#BLACKHOLE} keeps every connection open (and accepts new
 * ones) but drops every byte, as a cut cable does: the peers see no error, only silence, until their own timeouts;
 * {@link #blackholeClients} blackholes only the connections whose client side matches (e.g. one process's links, by
 * {@link ProcessSockets}), as a cable cut between two hosts only; {@link #reset()} closes every connection at once
 * (the peers see a reset). Threads: one acceptor ({@code tcp-proxy-accept-<port>}) and two pumps per connection, all
 * daemons; {@link #close()} stops them. {@link #mode} and {@link #clientFilter} are volatile; the connection lists
 * are CopyOnWriteArrayLists; a {@link Link}'s flag is volatile, set by the acceptor or the test thread.
 */
public final class TcpProxy implements AutoCloseable {

    public enum Mode { PASS, BLACKHOLE }

    private final ServerSocket server;
    private final InetSocketAddress target;
    private volatile Mode mode = Mode.PASS;
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    /** Every proxied connection with its own blackhole flag. */
    private final List<Link> links = new CopyOnWriteArrayList<>();
    /** Client ports (the connecting side's local port) whose connections are blackholed; null = none. */
    private volatile IntPredicate clientFilter;

    /** One proxied connection; {@code blackholed} drops its bytes both ways whatever the proxy's mode. */
    private static final class Link {
        final Socket client;
        volatile boolean blackholed;

        Link(Socket client) {
            this.client = client;
        }
    }
    private final Thread acceptor;

    /** @param targetHostPort {@code host:port} to forward to */
    public TcpProxy(String targetHostPort) {
        int colon = targetHostPort.lastIndexOf(':');
        this.target = new InetSocketAddress(targetHostPort.substring(0, colon),
                Integer.parseInt(targetHostPort.substring(colon + 1)));
        try {
            server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open a proxy port on loopback", e);
        }
        acceptor = new Thread(this::acceptLoop, "tcp-proxy-accept-" + server.getLocalPort());
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /** {@code 127.0.0.1:<port>} to give the client instead of the target. */
    public String address() {
        return "127.0.0.1:" + server.getLocalPort();
    }

    public void mode(Mode newMode) {
        this.mode = newMode;
    }

    /**
     * Blackholes the connections, open now or accepted later, whose client port ({@link Socket#getPort()} of the
     * accepted socket: the connecting side's local port) matches {@code clientPorts}; null passes them all again.
     * The proxy's {@link #mode} still applies to every connection.
     */
    public void blackholeClients(IntPredicate clientPorts) {
        this.clientFilter = clientPorts;
        for (Link l : links) {
            l.blackholed = clientPorts != null && clientPorts.test(l.client.getPort());
        }
    }

    /** Closes every proxied connection (both sides see it end); new connections are accepted as before. */
    public void reset() {
        for (Socket s : sockets) {
            closeQuietly(s);
        }
        sockets.clear();
        links.clear();
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            Socket client;
            try {
                client = server.accept();
            } catch (IOException e) {
                return; // closed
            }
            Socket upstream = new Socket();
            try {
                upstream.connect(target, 5_000);
            } catch (IOException e) {
                closeQuietly(client);
                closeQuietly(upstream);
                continue;
            }
            sockets.add(client);
            sockets.add(upstream);
            Link link = new Link(client);
            IntPredicate filter = clientFilter;
            link.blackholed = filter != null && filter.test(client.getPort());
            links.add(link);
            pump(client, upstream, link);
            pump(upstream, client, link);
        }
    }

    private void pump(Socket from, Socket to, Link link) {
        Thread t = new Thread(() -> {
            byte[] buf = new byte[64 * 1024];
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                int n;
                while ((n = in.read(buf)) >= 0) {
                    if (mode == Mode.PASS && !link.blackholed) {
                        out.write(buf, 0, n);
                        out.flush();
                    } // BLACKHOLE: read and drop, so the sender never sees back-pressure or an error
                }
            } catch (IOException e) {
                // one side closed or was reset
            } finally {
                closeQuietly(from);
                closeQuietly(to);
                links.remove(link);
            }
        }, "tcp-proxy-pump-" + server.getLocalPort());
        t.setDaemon(true);
        t.start();
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException e) {
            // closing anyway
        }
    }

    @Override
    public void close() {
        try {
            server.close();
        } catch (IOException e) {
            // closing anyway
        }
        reset();
        try {
            acceptor.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
