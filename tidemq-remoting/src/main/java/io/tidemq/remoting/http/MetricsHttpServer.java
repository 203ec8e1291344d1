package io.tidemq.remoting.http;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;

/**
 * Serves {@code GET /metrics} in the Prometheus text format (version 0.0.4) with the JDK's HTTP server: the
 * body is the concatenation of every scrape supplier's output (a standalone process serves its NameServer's and
 * its broker's metrics on one port; their metric names never overlap). One daemon thread answers scrapes, so a
 * slow scrape never runs on a broker thread.
 *
 * <pre>{@code
 * MetricsHttpServer http = MetricsHttpServer.start("0.0.0.0", 5557, List.of(registry::scrape));
 * int port = http.port();
 * http.close();
 * }</pre>
 */
public final class MetricsHttpServer implements AutoCloseable {

    /** The content type of the Prometheus text exposition format. */
    public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private static final Logger LOG = LoggerFactory.getLogger(MetricsHttpServer.class);

    private final HttpServer server;
    private final ExecutorService executor;

    private MetricsHttpServer(HttpServer server, ExecutorService executor) {
        this.server = server;
        this.executor = executor;
    }

    /**
     * Binds and starts serving.
     *
     * @param bindAddress the local address to listen on ({@code 0.0.0.0} for every interface)
     * @param port        the port; 0 lets the OS pick one (see {@link #port()})
     * @param scrapes     called in order on each scrape; each returns Prometheus text
     * @throws MetricsPortInUseException when the port is taken
     * @throws UncheckedIOException      when the server cannot be created for another reason
     */
    public static MetricsHttpServer start(String bindAddress, int port, List<Supplier<String>> scrapes) {
        List<Supplier<String>> sources = List.copyOf(scrapes);
        HttpServer server;
        try {
            server = HttpServer.create(new InetSocketAddress(bindAddress, port), 16);
        } catch (BindException e) {
            throw new MetricsPortInUseException(bindAddress, port, e);
        } catch (IOException e) {
            throw new UncheckedIOException("could not open the metrics endpoint on " + bindAddress + ":" + port
                    + ": " + e.getMessage(), e);
        }
        ExecutorService executor = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "tidemq-metrics-http");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(executor);
        server.createContext("/metrics", exchange -> serveMetrics(exchange, sources));
        server.createContext("/", MetricsHttpServer::serveIndex);
        server.start();
        return new MetricsHttpServer(server, executor);
    }

    private static void serveMetrics(HttpExchange exchange, List<Supplier<String>> sources) throws IOException {
        try (exchange) {
            if (!"GET".equals(exchange.getRequestMethod()) && !"HEAD".equals(exchange.getRequestMethod())) {
                exchange.getResponseHeaders().set("Allow", "GET, HEAD");
                exchange.sendResponseHeaders(405, -1);
                return;
            }
            byte[] body;
            try {
                StringBuilder text = new StringBuilder(16_384);
                for (Supplier<String> s : sources) {
                    text.append(s.get());
                }
                body = text.toString().getBytes(StandardCharsets.UTF_8);
            } catch (RuntimeException e) {
                LOG.error("building the metrics scrape failed", e);
                byte[] err = ("scrape failed: " + e + "\n").getBytes(StandardCharsets.UTF_8);
                exchange.sendResponseHeaders(500, err.length);
                exchange.getResponseBody().write(err);
                return;
            }
            exchange.getResponseHeaders().set("Content-Type", CONTENT_TYPE);
            boolean head = "HEAD".equals(exchange.getRequestMethod());
            exchange.sendResponseHeaders(200, head ? -1 : body.length);
            if (!head) {
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(body);
                }
            }
        }
    }

    private static void serveIndex(HttpExchange exchange) throws IOException {
        try (exchange) {
            boolean root = "/".equals(exchange.getRequestURI().getPath());
            byte[] body = (root ? "TideMQ metrics: GET /metrics (Prometheus text format)\n" : "not found; try /metrics\n")
                    .getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
            exchange.sendResponseHeaders(root ? 200 : 404, body.length);
            exchange.getResponseBody().write(body);
        }
    }

    /** The port it listens on (the OS-chosen one when started with 0). */
    public int port() {
        return server.getAddress().getPort();
    }

    /** Stops serving (waiting at most a second for a scrape in progress). Idempotent. */
    @Override
    public void close() {
        server.stop(1);
        executor.shutdownNow();
    }

    /** The metrics port is taken by another process. */
    public static final class MetricsPortInUseException extends RuntimeException {

        private static final long serialVersionUID = 1L;

        private final int port;

        MetricsPortInUseException(String bindAddress, int port, BindException cause) {
            super("the metrics port " + bindAddress + ":" + port + " is already in use (another TideMQ server or"
                    + " exporter?); choose another metricsPort, 0 for a free one, or -1 to turn the endpoint off", cause);
            this.port = port;
        }

        public int port() {
            return port;
        }
    }
}
