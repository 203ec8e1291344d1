package io.tidemq.cli;

import io.tidemq.broker.BrokerController;
import io.tidemq.broker.config.BrokerConfig;
import io.tidemq.client.ClientConfig;
import io.tidemq.client.admin.AdminClient;
import io.tidemq.client.admin.AdminTarget;
import io.tidemq.client.admin.OffsetResetSpec;
import io.tidemq.client.consumer.ConsumeStatus;
import io.tidemq.client.consumer.PushConsumer;
import io.tidemq.client.producer.Producer;
import io.tidemq.common.message.Message;
import io.tidemq.common.route.TopicConfig;
import io.tidemq.namesrv.NamesrvController;
import io.tidemq.namesrv.config.NamesrvConfig;
import io.tidemq.remoting.http.MetricsHttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Scrapes {@code /metrics} of a live NameServer and broker over HTTP and validates each scrape with
 * Prometheus's own parser and linter ({@code promtool check metrics}), then checks the metric set of
 * docs/metrics.md: base units in the names, only {@code topic} and {@code group} labels besides the constant
 * {@code cluster} and {@code broker}, and consumer lag absent while unknown, never negative.
 */
class MetricsEndpointTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    /** A sample line: name, optional labels, value. */
    private static final Pattern SAMPLE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{([^}]*)})? (\\S+)$");

    @TempDir
    Path dir;

    private NamesrvController namesrv;
    private BrokerController broker;
    private String ns;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    @BeforeEach
    void start() {
        namesrv = new NamesrvController(NamesrvConfig.builder().listenPort(0).bindAddress("127.0.0.1").metricsPort(0)
                .build());
        namesrv.start();
        ns = "127.0.0.1:" + namesrv.port();
        broker = new BrokerController(BrokerConfig.builder().brokerClusterName("metrics-cluster").brokerName("broker-m")
                .brokerIp("127.0.0.1").bindAddress("127.0.0.1").listenPort(0).metricsPort(0).namesrvAddrs(List.of(ns))
                .storePath(dir.resolve("store")).registerIntervalMs(500).longPollingCheckIntervalMs(50)
                .storeProperty("commitLogFileBytes", Integer.toString(8 << 20))
                .storeProperty("warmMappedFiles", "false").storeProperty("preallocateNextFile", "false").build());
        broker.start();
    }

    @AfterEach
    void stop() {
        broker.close();
        namesrv.close();
    }

    private HttpResponse<String> get(int port, String path) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private String scrape(int port) throws IOException, InterruptedException {
        HttpResponse<String> r = get(port, "/metrics");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type")).hasValue(MetricsHttpServer.CONTENT_TYPE);
        return r.body();
    }

    private ClientConfig.Builder client(String instance) {
        return ClientConfig.builder().namesrvAddrs(ns).instanceName(instance).clientIp("127.0.0.1")
                .routeRefreshIntervalMs(500).heartbeatIntervalMs(300).rebalanceIntervalMs(300).longPollingMs(500)
                .offsetCommitIntervalMs(200).offsetStoreDir(dir.resolve("offsets-" + instance));
    }

    @Test
    void everyRoleServesAScrapeThatPrometheusParses() throws Exception {
        try (AdminClient admin = AdminClient.connect(ns, 10_000);
             Producer producer = Producer.builder("metrics-producer", client("producer").build()).build()) {
            await().atMost(WAIT).until(() -> !admin.brokers().isEmpty());
            admin.createTopic(TopicConfig.of("orders", 2), AdminTarget.all());
            admin.awaitRoute("orders", 10_000);
            producer.start();
            for (int i = 0; i < 10; i++) {
                producer.send(Message.builder("orders").body("order " + i).build());
            }
            // "idle" committed 0 on queue 0 only: its lag there is known, queue 1's is unknown (never committed)
            admin.resetOffsets("idle", "orders", OffsetResetSpec.file(Map.of("broker-m#0", 0L)), false);
            // an acknowledgement can come before the dispatcher indexes the message: read the ends once all 10 show
            await().atMost(WAIT).until(() -> admin.planOffsetReset("idle", "orders", OffsetResetSpec.latest()).rows()
                    .stream().mapToLong(r -> r.maxOffset()).sum() == 10);
            long queue0 = admin.planOffsetReset("idle", "orders", OffsetResetSpec.latest()).rows().get(0).maxOffset();
            PushConsumer consumer = PushConsumer.builder("billing", client("billing").build()).build();
            AtomicInteger consumed = new AtomicInteger();
            consumer.subscribe("orders", "*").registerListener((msgs, ctx) -> {
                consumed.addAndGet(msgs.size());
                return ConsumeStatus.SUCCESS;
            });
            consumer.start();
            try {
                await().atMost(WAIT).until(() -> consumed.get() >= 10);
                String brokerScrape = scrape(broker.metricsPort());
                assertPromtoolAccepts(brokerScrape);
                assertBrokerMetricSet(brokerScrape, queue0);
                await().atMost(WAIT).until(() -> value(scrape(broker.metricsPort()),
                        "tidemq_consumer_lag_messages", "group=\"billing\",topic=\"orders\"") == 0.0);
            } finally {
                consumer.close();
            }
        }
        String namesrvScrape = scrape(namesrv.metricsPort());
        assertPromtoolAccepts(namesrvScrape);
        assertThat(value(namesrvScrape, "tidemq_namesrv_brokers", null)).isEqualTo(1.0);
        assertThat(value(namesrvScrape, "tidemq_namesrv_registrations_total", null)).isGreaterThanOrEqualTo(1.0);
        assertThat(value(namesrvScrape, "tidemq_namesrv_topics", null)).isGreaterThanOrEqualTo(1.0);

        assertThat(get(broker.metricsPort(), "/").statusCode()).isEqualTo(200);
        assertThat(get(broker.metricsPort(), "/nothing").statusCode()).isEqualTo(404);
    }

    private static void assertPromtoolAccepts(String scrape) throws Exception {
        Promtool.Result r = Promtool.checkMetrics(scrape);
        assertThat(r.exitCode()).as("promtool check metrics said:%n%s%nfor the scrape:%n%s", r.output(), scrape)
                .isZero();
        assertThat(r.output()).as(scrape).doesNotContain("error");
    }

    private static void assertBrokerMetricSet(String scrape, long idleLag) {
        for (String line : scrape.split("\n")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            Matcher m = SAMPLE.matcher(line);
            assertThat(m.matches()).as("sample line '%s'", line).isTrue();
            String labels = m.group(3) == null ? "" : m.group(3);
            assertThat(labels).as(line).contains("cluster=\"metrics-cluster\"", "broker=\"broker-m\"");
            for (String label : labels.split(",(?=[a-z_]+=\")")) {
                String name = label.substring(0, label.indexOf('='));
                assertThat(name).as(line).isIn("cluster", "broker", "topic", "group", "le");
            }
            assertThat(m.group(1)).as(line).startsWith("tidemq_");
        }
        assertThat(value(scrape, "tidemq_messages_in_total", "topic=\"orders\"")).isEqualTo(10.0);
        assertThat(value(scrape, "tidemq_messages_in_bytes_total", "topic=\"orders\"")).isPositive();
        assertThat(value(scrape, "tidemq_messages_out_total", "group=\"billing\",topic=\"orders\"")).isEqualTo(10.0);
        assertThat(value(scrape, "tidemq_messages_out_bytes_total", "group=\"billing\",topic=\"orders\"")).isPositive();
        assertThat(value(scrape, "tidemq_consumer_delivery_latency_seconds_count", "group=\"billing\",topic=\"orders\""))
                .isEqualTo(10.0);
        assertThat(value(scrape, "tidemq_store_put_duration_seconds_count", null)).isGreaterThanOrEqualTo(10.0);
        assertThat(value(scrape, "tidemq_store_commitlog_bytes", null)).isPositive();
        assertThat(value(scrape, "tidemq_store_disk_used_ratio", null)).isBetween(0.0, 1.0);
        assertThat(value(scrape, "tidemq_store_writable", null)).isEqualTo(1.0);
        assertThat(value(scrape, "tidemq_store_flush_behind_bytes", null)).isGreaterThanOrEqualTo(0.0);
        assertThat(value(scrape, "tidemq_store_fsyncs_total", null)).isGreaterThanOrEqualTo(0.0);
        assertThat(value(scrape, "tidemq_store_fsync_duration_seconds_count", null)).isGreaterThanOrEqualTo(0.0);
        assertThat(scrape).contains("tidemq_store_fsync_duration_seconds_bucket{");
        assertThat(value(scrape, "tidemq_store_disk_total_bytes", null)).isPositive();
        assertThat(value(scrape, "tidemq_broker_drained", null)).isEqualTo(0.0);
        assertThat(value(scrape, "tidemq_timer_scheduled_messages", null)).isEqualTo(0.0);
        assertThat(scrape).doesNotContain("NaN");
        assertThat(value(scrape, "tidemq_consumer_clients", "group=\"billing\"")).isEqualTo(1.0);
        // "idle": lag counts the committed queue only (not the unknown one as 0), in seconds known and not negative
        assertThat(value(scrape, "tidemq_consumer_lag_messages", "group=\"idle\",topic=\"orders\"")).isEqualTo(idleLag);
        assertThat(value(scrape, "tidemq_consumer_lag_seconds", "group=\"idle\",topic=\"orders\"")).isNotNegative();
        assertThat(value(scrape, "tidemq_consumer_offset_unknown_queues", "group=\"idle\",topic=\"orders\""))
                .isEqualTo(1.0);
        // every lag sample is >= 0
        for (String line : scrape.split("\n")) {
            if (line.startsWith("tidemq_consumer_lag_")) {
                assertThat(Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1))).as(line).isNotNegative();
            }
        }
    }

    /** The value of the sample {@code name{...labels...}} whose labels contain {@code labels}; fails when absent. */
    private static double value(String scrape, String name, String labels) {
        for (String line : scrape.split("\n")) {
            Matcher m = SAMPLE.matcher(line);
            if (m.matches() && m.group(1).equals(name) && (labels == null || (m.group(3) != null
                    && m.group(3).contains(labels)))) {
                return Double.parseDouble(m.group(4));
            }
        }
        throw new AssertionError("no sample " + name + (labels == null ? "" : "{" + labels + "}") + " in:\n" + scrape);
    }
}
