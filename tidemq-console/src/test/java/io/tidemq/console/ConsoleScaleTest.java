package io.tidemq.console;

import com.fasterxml.jackson.databind.JsonNode;
import io.tidemq.client.admin.AdminClient;
import io.tidemq.client.admin.AdminTarget;
import io.tidemq.client.admin.OffsetResetSpec;
import io.tidemq.common.route.TopicConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The console with 2 000 topics and 500 consumer groups: every list pages and counts right, every page's JSON API
 * and the page itself answer. Each call's time is printed (docs/benchmarks.md keeps the figure with the machine's
 * load); nothing here asserts a time.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ConsoleScaleTest {

    private static final int TOPICS = 2_000;
    private static final int GROUPS = 500;
    /** The groups commit offsets on the first topics, so their lag is known. */
    private static final int TOPICS_WITH_GROUPS = 10;

    @TempDir
    static Path tmp;

    private LiveCluster cluster;
    private ConsoleServer console;
    private ConsoleHttp http;

    @BeforeAll
    void createTopicsAndGroups() {
        cluster = new LiveCluster(tmp.resolve("store"));
        long start = System.nanoTime();
        try (AdminClient admin = AdminClient.connect(cluster.namesrvAddr, 30_000)) {
            AdminTarget broker = AdminTarget.broker(cluster.broker.address());
            for (int t = 0; t < TOPICS; t++) {
                admin.createTopic(TopicConfig.of(topic(t), 1), broker);
            }
            admin.awaitRoute(topic(TOPICS - 1), 30_000);
            for (int g = 0; g < GROUPS; g++) {
                admin.resetOffsets(group(g), topic(g % TOPICS_WITH_GROUPS), OffsetResetSpec.earliest(), false);
            }
        }
        System.out.printf("ConsoleScaleTest: created %d topics and %d groups in %d ms%n", TOPICS, GROUPS,
                (System.nanoTime() - start) / 1_000_000);
        console = ConsoleServer.start(new ConsoleOptions("127.0.0.1", 0, List.of(cluster.namesrvAddr),
                ConsoleOptions.usersFileIn(tmp.resolve("data")), true, 30_000));
        http = new ConsoleHttp(console.url());
    }

    @AfterAll
    void stop() {
        if (console != null) {
            console.close();
        }
        if (cluster != null) {
            cluster.close();
        }
    }

    private static String topic(int i) {
        return String.format("scale-t%04d", i);
    }

    private static String group(int i) {
        return String.format("scale-g%03d", i);
    }

    /** Runs {@code call}, prints how long it took, returns its reply. */
    private static ConsoleHttp.Reply timed(String what, Supplier<ConsoleHttp.Reply> call) {
        long start = System.nanoTime();
        ConsoleHttp.Reply r = call.get();
        System.out.printf("ConsoleScaleTest: %-55s %5d ms (HTTP %d)%n", what, (System.nanoTime() - start) / 1_000_000,
                r.status());
        assertThat(r.status()).as(what + ": " + r.json()).isEqualTo(200);
        return r;
    }

    @Test
    void theTopicListPagesThroughEveryTopicAndCountsThemAll() {
        Set<String> seen = new HashSet<>();
        for (int page = 0; page < TOPICS / 200; page++) {
            int p = page;
            JsonNode json = timed("GET /api/topics?filter=scale-t&size=200&page=" + page,
                    () -> http.get("/api/topics?filter=scale-t&size=200&page=" + p)).json();
            assertThat(json.get("total").asInt()).isEqualTo(TOPICS);
            assertThat(json.get("items")).hasSize(200);
            json.get("items").forEach(row -> seen.add(row.get("topic").asText()));
        }
        assertThat(seen).hasSize(TOPICS).contains(topic(0), topic(TOPICS - 1));

        JsonNode first = timed("GET /api/topics (default page)", () -> http.get("/api/topics")).json();
        assertThat(first.get("total").asInt()).isGreaterThanOrEqualTo(TOPICS);
        JsonNode desc = timed("GET /api/topics?filter=scale-t&order=desc",
                () -> http.get("/api/topics?filter=scale-t&order=desc")).json();
        assertThat(desc.get("items").get(0).get("topic").asText()).isEqualTo(topic(TOPICS - 1));
        timed("GET /api/topics/{topic}", () -> http.get("/api/topics/" + topic(1234)));
    }

    @Test
    void theGroupListPagesThroughEveryGroupWithItsLag() {
        Set<String> seen = new HashSet<>();
        for (int page = 0; page * 200 < GROUPS; page++) {
            int p = page;
            JsonNode json = timed("GET /api/groups?filter=scale-g&size=200&page=" + page,
                    () -> http.get("/api/groups?filter=scale-g&size=200&page=" + p)).json();
            assertThat(json.get("total").asInt()).isEqualTo(GROUPS);
            assertThat(json.get("items")).hasSize(Math.min(200, GROUPS - page * 200));
            json.get("items").forEach(row -> {
                seen.add(row.get("group").asText());
                assertThat(row.get("lag").asLong()).as(row.toString()).isZero();
            });
        }
        assertThat(seen).hasSize(GROUPS).contains(group(0), group(GROUPS - 1));
        JsonNode detail = timed("GET /api/groups/{group}", () -> http.get("/api/groups/" + group(7))).json();
        assertThat(detail.get("queues")).hasSize(1);
    }

    @Test
    void theOverviewAndThePagesThemselvesAnswer() {
        JsonNode overview = timed("GET /api/overview", () -> http.get("/api/overview")).json();
        assertThat(overview.toString()).contains("broker-console");
        for (String page : List.of("/")) {
            timed("GET " + page + " (the page; its data is the API above)", () -> http.get(page));
        }
        JsonNode messages = timed("GET /api/messages/by-queue (empty queue)",
                () -> http.get("/api/messages/by-queue?topic=" + topic(3) + "&broker=broker-console&queueId=0&offset=0"))
                .json();
        assertThat(messages).isNotNull();
    }
}
