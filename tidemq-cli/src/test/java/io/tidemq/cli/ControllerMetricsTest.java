package io.tidemq.cli;

import io.tidemq.controller.client.ControllerServiceClient;
import io.tidemq.controller.service.ControllerConfig;
import io.tidemq.controller.service.ControllerServer;
import io.tidemq.controller.state.Command;
import io.tidemq.controller.state.ReplicaInfo;
import io.tidemq.remoting.http.MetricsHttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The controller role's {@code /metrics} (docs/metrics.md, "Controller"): a one-peer quorum with
 * {@code metricsPort=0} is scraped over HTTP, the text passes {@code promtool check metrics}, and its values follow
 * the quorum's state (leadership, term, a registered broker group without a master, its replica).
 */
class ControllerMetricsTest {

    private static final Pattern SAMPLE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{([^}]*)})? (\\S+)$");

    @TempDir
    Path dir;

    private ControllerServer server;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void theControllerServesAScrapeThatPrometheusParsesAndThatFollowsItsState() throws Exception {
        server = ControllerServer.start(ControllerConfig.builder().controllerId("c0")
                .controllerPeers("c0@127.0.0.1:" + freePort()).controllerListenPort(0).bindAddress("127.0.0.1")
                .controllerStorePath(dir.toString()).masterLeaseMs(60_000).controllerScanIntervalMs(100)
                .metricsPort(0).build());
        assertThat(server.metricsPort()).isPositive();
        await().atMost(Duration.ofSeconds(30)).until(() -> value(scrape(), "tidemq_controller_leader") == 1.0);

        String before = scrape();
        Promtool.Result r = Promtool.checkMetrics(before);
        assertThat(r.exitCode()).as("promtool check metrics said:%n%s%nfor:%n%s", r.output(), before).isZero();
        assertThat(value(before, "tidemq_controller_term")).isGreaterThanOrEqualTo(1.0);
        assertThat(value(before, "tidemq_controller_broker_groups")).isZero();

        try (ControllerServiceClient client = new ControllerServiceClient(10_000)) {
            assertThat(client.register("127.0.0.1:" + server.listenPort(), new Command.RegisterReplica("g1",
                    new ReplicaInfo(0, "127.0.0.1:10911", "127.0.0.1:10912", "store-0", 1, 0))).accepted()).isTrue();
        }
        // a group is registered with no master until a heartbeating replica is elected (the lease here is 60 s)
        await().atMost(Duration.ofSeconds(10)).until(() -> value(scrape(), "tidemq_controller_broker_groups") == 1.0);
        String after = scrape();
        assertThat(value(after, "tidemq_controller_replicas")).isEqualTo(1.0);
        assertThat(value(after, "tidemq_controller_broker_groups_without_master")).isEqualTo(1.0);
        assertThat(Promtool.checkMetrics(after).exitCode()).isZero();
    }

    @Test
    void noMetricsPortMeansNoEndpoint() {
        server = ControllerServer.start(ControllerConfig.builder().controllerId("c0")
                .controllerPeers("c0@127.0.0.1:" + freePort()).controllerListenPort(0).bindAddress("127.0.0.1")
                .controllerStorePath(dir.toString()).build());
        assertThat(server.metricsPort()).isEqualTo(-1);
        assertThat(value(server.prometheus().scrape(), "tidemq_controller_broker_groups")).isZero();
    }

    private String scrape() throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + server.metricsPort() + "/metrics"))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type")).hasValue(MetricsHttpServer.CONTENT_TYPE);
        return r.body();
    }

    private static double value(String scrape, String name) {
        for (String line : scrape.split("\n")) {
            Matcher m = SAMPLE.matcher(line);
            if (m.matches() && m.group(1).equals(name)) {
                return Double.parseDouble(m.group(4));
            }
        }
        throw new AssertionError("no sample " + name + " in:\n" + scrape);
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
