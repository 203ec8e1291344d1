package io.tidemq.console;

import com.fasterxml.jackson.databind.JsonNode;
import io.tidemq.client.ClientConfig;
import io.tidemq.client.consumer.ConsumeStatus;
import io.tidemq.client.consumer.PullConsumer;
import io.tidemq.client.consumer.PushConsumer;
import io.tidemq.client.producer.Producer;
import io.tidemq.client.producer.SendResult;
import io.tidemq.client.transaction.LocalTransactionState;
import io.tidemq.client.transaction.TransactionListener;
import io.tidemq.client.transaction.TransactionProducer;
import io.tidemq.common.message.Message;
import io.tidemq.common.message.MessageExt;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The console's JSON API over HTTP (no browser) against a real NameServer and broker in this JVM. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ConsoleApiTest {

    @TempDir
    static Path tmp;

    private LiveCluster cluster;
    private ConsoleServer console;
    private String password;
    private Producer producer;

    @BeforeAll
    void start() {
        cluster = new LiveCluster(tmp.resolve("store"));
        console = ConsoleServer.start(new ConsoleOptions("127.0.0.1", 0, List.of(cluster.namesrvAddr),
                ConsoleOptions.usersFileIn(tmp.resolve("data")), false, 5_000, 200));
        password = console.initialPassword().orElseThrow();
        producer = Producer.builder("console-test-producer", config("producer")).build();
        producer.start();
    }

    @AfterAll
    void stop() {
        if (producer != null) {
            producer.close();
        }
        if (console != null) {
            console.close();
        }
        if (cluster != null) {
            cluster.close();
        }
    }

    private ClientConfig config(String instance) {
        return ClientConfig.builder().namesrvAddrs(cluster.namesrvAddr).instanceName(instance)
                .offsetStoreDir(tmp.resolve("offsets-" + instance)).build();
    }

    private ConsoleHttp loggedIn() {
        ConsoleHttp http = new ConsoleHttp(console.url());
        assertThat(http.post("/api/login", Map.of("user", "admin", "password", password)).status()).isEqualTo(200);
        return http;
    }

    private void createTopic(ConsoleHttp http, String topic, int queues) {
        ConsoleHttp.Reply r = http.post("/api/topics", Map.of("topic", topic, "queues", queues));
        assertThat(r.status()).as(String.valueOf(r.json())).isEqualTo(201);
    }

    private List<SendResult> send(String topic, int count, String key) {
        List<SendResult> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            Message.Builder b = Message.builder(topic).body("body " + i + " of " + topic).tag("t" + i);
            if (key != null) {
                b.keys(key);
            }
            out.add(producer.send(b.build()));
        }
        return out;
    }

    @Test
    void everyApiRouteNeedsALoginAndAWrongPasswordIsRefused() {
        ConsoleHttp anonymous = new ConsoleHttp(console.url());
        assertThat(anonymous.get("/api/overview").status()).isEqualTo(401);
        assertThat(anonymous.get("/api/topics").status()).isEqualTo(401);
        assertThat(anonymous.get("/api/session").json().get("loggedIn").asBoolean()).isFalse();
        ConsoleHttp.Reply wrong = anonymous.post("/api/login", Map.of("user", "admin", "password", password + "x"));
        assertThat(wrong.status()).isEqualTo(401);
        assertThat(wrong.json().get("error").asText()).contains("wrong user name or password");
        assertThat(anonymous.get("/api/overview").status()).isEqualTo(401);

        ConsoleHttp http = loggedIn();
        assertThat(http.get("/api/overview").status()).isEqualTo(200);
        assertThat(http.get("/api/session").json().get("user").asText()).isEqualTo("admin");
        assertThat(http.post("/api/logout", Map.of()).status()).isEqualTo(200);
        assertThat(http.get("/api/overview").status()).isEqualTo(401);
    }

    @Test
    void theStaticPagesAreServedWithAContentSecurityPolicy() {
        ConsoleHttp.Reply page = new ConsoleHttp(console.url()).get("/");
        assertThat(page.status()).isEqualTo(200);
        assertThat(page.raw().body()).contains("TideMQ console").contains("/app.js");
        assertThat(page.raw().headers().firstValue("Content-Security-Policy")).hasValueSatisfying(
                v -> assertThat(v).contains("default-src 'self'"));
    }

    @Test
    void aChangeWithoutTheConsoleHeaderIsRefusedEvenWhenLoggedIn() {
        ConsoleHttp http = loggedIn();
        ConsoleHttp.Reply r = http.postWithoutCsrfHeader("/api/topics", Map.of("topic", "csrf-topic"));
        assertThat(r.status()).isEqualTo(403);
        assertThat(r.json().get("error").asText()).contains("X-TideMQ-Console");
        assertThat(http.get("/api/topics/csrf-topic").status()).isEqualTo(404);
    }

    @Test
    void theUsersFileHoldsASaltedHashNotThePassword() throws Exception {
        String file = Files.readString(console.usersFile().orElseThrow());
        assertThat(file).contains("admin=pbkdf2-sha256:").doesNotContain(password);
        try (ConsoleServer again = ConsoleServer.start(new ConsoleOptions("127.0.0.1", 0, List.of(cluster.namesrvAddr),
                console.usersFile().orElseThrow(), false, 5_000))) {
            assertThat(again.initialPassword()).as("a second start prints no new password").isEmpty();
            ConsoleHttp http = new ConsoleHttp(again.url());
            assertThat(http.post("/api/login", Map.of("user", "admin", "password", password)).status()).isEqualTo(200);
        }
    }

    @Test
    void anInsecureConsoleNeedsNoLogin() {
        try (ConsoleServer open = ConsoleServer.start(new ConsoleOptions("127.0.0.1", 0, List.of(cluster.namesrvAddr),
                null, true, 5_000))) {
            ConsoleHttp http = new ConsoleHttp(open.url());
            assertThat(http.get("/api/session").json().get("insecure").asBoolean()).isTrue();
            assertThat(http.get("/api/overview").status()).isEqualTo(200);
        }
    }

    @Test
    void theOverviewListsTheBrokerWithRoleAndDiskAndEachNameServer() {
        JsonNode o = loggedIn().get("/api/overview").json();
        assertThat(o.get("namesrvs")).hasSize(1);
        assertThat(o.get("namesrvs").get(0).get("address").asText()).isEqualTo(cluster.namesrvAddr);
        assertThat(o.get("namesrvs").get(0).get("reachable").asBoolean()).isTrue();
        JsonNode b = o.get("brokers").get(0);
        assertThat(b.get("brokerName").asText()).isEqualTo("broker-console");
        assertThat(b.get("role").asText()).isEqualTo("MASTER");
        assertThat(b.get("address").asText()).isEqualTo(cluster.broker.address());
        assertThat(b.get("diskTotalBytes").asLong()).isPositive();
        assertThat(b.get("diskUsedRatio").asDouble()).isBetween(0.0, 1.0);
        assertThat(b.get("writeState").asText()).isEqualTo("WRITABLE");
        assertThat(b.get("version").asText()).isNotBlank();
        assertThat(b.get("inPerSecond").isNumber()).isTrue();
        assertThat(b.get("error").isNull()).isTrue();
    }

    @Test
    void topicsArePagedAndSortedOnTheServer() {
        ConsoleHttp http = loggedIn();
        createTopic(http, "paged-a", 2);
        createTopic(http, "paged-b", 2);
        createTopic(http, "paged-c", 2);
        send("paged-a", 1, null);
        send("paged-b", 3, null);
        send("paged-c", 2, null);

        JsonNode first = http.get("/api/topics?filter=paged-&size=2&page=0").json();
        assertThat(first.get("total").asInt()).isEqualTo(3);
        assertThat(first.get("items")).extracting(n -> n.get("topic").asText()).containsExactly("paged-a", "paged-b");
        JsonNode second = http.get("/api/topics?filter=paged-&size=2&page=1").json();
        assertThat(second.get("items")).extracting(n -> n.get("topic").asText()).containsExactly("paged-c");

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            JsonNode byMessages = http.get("/api/topics?filter=paged-&sort=messages&order=desc").json();
            assertThat(byMessages.get("items")).extracting(n -> n.get("topic").asText() + "=" + n.get("messages").asLong())
                    .containsExactly("paged-b=3", "paged-c=2", "paged-a=1");
        });
        assertThat(http.get("/api/topics?sort=size").status()).isEqualTo(400);
    }

    @Test
    void aTopicIsUpdatedFromItsPageAndShowsItsOrderFlag() {
        ConsoleHttp http = loggedIn();
        createTopic(http, "update-topic", 2);
        assertThat(http.get("/api/topics/update-topic").json().get("order").asBoolean()).isFalse();

        ConsoleHttp.Reply r = http.post("/api/topics", Map.of("topic", "update-topic", "readQueues", 4,
                "writeQueues", 3, "perm", "r", "order", true));
        assertThat(r.status()).isEqualTo(201);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            JsonNode d = http.get("/api/topics/update-topic").json();
            JsonNode route = d.get("route").get(0);
            assertThat(route.get("readQueues").asInt()).isEqualTo(4);
            assertThat(route.get("writeQueues").asInt()).isEqualTo(3);
            assertThat(route.get("perm").asText()).isEqualTo("R-");
            assertThat(d.get("order").asBoolean()).isTrue();
        });
        assertThat(http.post("/api/topics", Map.of("topic", "update-topic", "perm", "x")).status()).isEqualTo(400);
    }

    @Test
    void aTopicShowsItsQueuesWithMinAndMaxOffsetAndCanBeDeleted() {
        ConsoleHttp http = loggedIn();
        createTopic(http, "detail-topic", 2);
        List<SendResult> sent = send("detail-topic", 4, null);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            JsonNode d = http.get("/api/topics/detail-topic").json();
            assertThat(d.get("route").get(0).get("readQueues").asInt()).isEqualTo(2);
            assertThat(d.get("queues")).hasSize(2);
            long sum = 0;
            for (JsonNode q : d.get("queues")) {
                assertThat(q.get("minOffset").asLong()).isZero();
                sum += q.get("maxOffset").asLong();
            }
            assertThat(sum).isEqualTo(sent.size());
        });
        assertThat(http.delete("/api/topics/detail-topic").status()).isEqualTo(200);
        // the NameServers drop the route when the broker re-registers, right after the deletion
        await().atMost(Duration.ofSeconds(10))
                .untilAsserted(() -> assertThat(http.get("/api/topics/detail-topic").status()).isEqualTo(404));
    }

    @Test
    void aKeySearchSaysWhenItStoppedEarlyAndAnIdSearchShowsBodyAndProperties() {
        ConsoleHttp http = loggedIn();
        createTopic(http, "keyed", 1);
        List<SendResult> sent = send("keyed", 3, "order-7");
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            JsonNode all = http.get("/api/messages/by-key?topic=keyed&key=order-7&max=10").json();
            assertThat(all.get("messages")).hasSize(3);
            assertThat(all.get("incomplete").asBoolean()).isFalse();
            assertThat(all.get("note").asText()).startsWith("complete");
        });
        JsonNode capped = http.get("/api/messages/by-key?topic=keyed&key=order-7&max=2").json();
        assertThat(capped.get("messages")).hasSize(2);
        assertThat(capped.get("incomplete").asBoolean()).isTrue();
        assertThat(capped.get("note").asText()).contains("stopped early");
        assertThat(http.get("/api/messages/by-key?topic=keyed&key=no-such-key").json().get("messages")).isEmpty();

        JsonNode m = http.get("/api/messages/by-id?id=" + sent.get(1).msgId()).json();
        assertThat(m.get("msgId").asText()).isEqualTo(sent.get(1).msgId());
        assertThat(m.get("bodyText").asText()).isEqualTo("body 1 of keyed");
        assertThat(m.get("tag").asText()).isEqualTo("t1");
        assertThat(m.get("properties").get("KEYS").asText()).isEqualTo("order-7");
        assertThat(http.get("/api/messages/by-id?id=not-an-id").status()).isEqualTo(400);
    }

    @Test
    void aQueueReadIsBoundedAndSaysWhereToContinue() {
        ConsoleHttp http = loggedIn();
        createTopic(http, "queue-read", 1);
        List<SendResult> sent = send("queue-read", 3, null);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            JsonNode first = http.get("/api/messages/by-queue?topic=queue-read&broker=broker-console&queueId=0&offset=0&max=2").json();
            assertThat(first.get("messages")).extracting(m -> m.get("msgId").asText())
                    .containsExactly(sent.get(0).msgId(), sent.get(1).msgId());
            assertThat(first.get("incomplete").asBoolean()).isTrue();
            assertThat(first.get("nextOffset").asLong()).isEqualTo(2);
            assertThat(first.get("note").asText()).contains("stopped early").contains("continue from offset 2");
        });
        JsonNode rest = http.get("/api/messages/by-queue?topic=queue-read&broker=broker-console&queueId=0&offset=2&max=10").json();
        assertThat(rest.get("messages")).extracting(m -> m.get("msgId").asText()).containsExactly(sent.get(2).msgId());
        assertThat(rest.get("incomplete").asBoolean()).isFalse();
    }

    @Test
    void aTimeRangeSearchIsBoundedPerQueueAndSaysWhereToContinue() {
        ConsoleHttp http = loggedIn();
        createTopic(http, "timed", 2);
        long before = System.currentTimeMillis() - 1;
        List<SendResult> sent = send("timed", 6, null);
        await().atMost(Duration.ofSeconds(10)).until(() ->
                http.get("/api/topics/timed").json().get("messages").asLong() == sent.size());
        long after = System.currentTimeMillis() + 1;
        String range = "/api/messages/by-time?topic=timed&from=" + before + "&to=" + after;

        JsonNode all = http.get(range + "&max=10").json();
        assertThat(all.get("incomplete").asBoolean()).isFalse();
        assertThat(all.get("note").asText()).startsWith("complete").contains("all 2 queues");
        assertThat(all.get("messages")).extracting(m -> m.get("msgId").asText())
                .containsExactlyInAnyOrderElementsOf(sent.stream().map(SendResult::msgId).toList());

        JsonNode capped = http.get(range + "&max=1").json();
        assertThat(capped.get("incomplete").asBoolean()).isTrue();
        assertThat(capped.get("messages")).hasSize(2);
        assertThat(capped.get("note").asText()).contains("stopped early on 2 of 2 queues at the limit of 1")
                .contains("broker-console#0 from offset 1");
        JsonNode q0 = capped.get("queues").get(0);
        assertThat(q0.get("incomplete").asBoolean()).isTrue();
        assertThat(q0.get("continueQueue").asText()).isEqualTo("broker-console:0:1");

        JsonNode rest = http.get(range + "&max=10&continueQueue=broker-console:0:1").json();
        assertThat(rest.get("queues")).hasSize(1);
        assertThat(rest.get("incomplete").asBoolean()).isFalse();
        long inQueue0 = all.get("messages").findValues("queueId").stream().filter(n -> n.asInt() == 0).count();
        assertThat(rest.get("messages")).hasSize((int) inQueue0 - 1);

        JsonNode none = http.get("/api/messages/by-time?topic=timed&from=" + (after + 60_000) + "&to="
                + (after + 120_000)).json();
        assertThat(none.get("messages")).isEmpty();
        assertThat(none.get("incomplete").asBoolean()).isFalse();
        assertThat(http.get("/api/messages/by-time?topic=timed&from=" + after + "&to=" + before).status())
                .isEqualTo(400);
    }

    @Test
    void aMessagesPathSaysWhichGroupsConsumedItAndWhetherItWasRetriedDeadLetteredAndResent() {
        ConsoleHttp http = loggedIn();
        createTopic(http, "pathed", 1);
        String earlier = send("pathed", 1, null).get(0).msgId();
        // group path-b reads and commits the earlier message only
        try (PullConsumer b = PullConsumer.builder("path-b", config("path-b")).autoCommit(false).build()) {
            List<MessageExt> got = receive(b, "pathed", 1);
            assertThat(got).extracting(MessageExt::msgId).containsExactly(earlier);
            b.commitSync();
        }
        String target = producer.send(Message.builder("pathed").keys("poison").body("poison").build()).msgId();
        AtomicBoolean failing = new AtomicBoolean(true);
        AtomicInteger deliveries = new AtomicInteger();
        ClientConfig aConfig = ClientConfig.builder().namesrvAddrs(cluster.namesrvAddr).instanceName("path-a")
                .offsetStoreDir(tmp.resolve("offsets-path-a")).maxReconsumeTimes(1).offsetCommitIntervalMs(200)
                .rebalanceIntervalMs(300).heartbeatIntervalMs(500).longPollingMs(1_000).build();
        try (PushConsumer a = PushConsumer.builder("path-a", aConfig).build()) {
            a.subscribe("pathed", "*").registerListener((msgs, ctx) -> {
                if (!msgs.get(0).keys().contains("poison")) {
                    return ConsumeStatus.SUCCESS;
                }
                deliveries.incrementAndGet();
                return failing.get() ? ConsumeStatus.RETRY : ConsumeStatus.SUCCESS;
            });
            a.start();
            await().atMost(Duration.ofSeconds(30)).until(() ->
                    http.get("/api/groups/path-a/dead-letters").json().get("messages").size() == 1);
            assertThat(deliveries.get()).as("the first delivery and one retry").isEqualTo(2);

            String path = "/api/messages/path?id=" + target;
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                JsonNode p = http.get(path).json();
                assertThat(p.get("msgId").asText()).isEqualTo(target);
                assertThat(p.get("stored").get("topic").asText()).isEqualTo("pathed");
                assertThat(p.get("stored").get("broker").asText()).isEqualTo("broker-console");
                assertThat(p.get("stored").get("queueOffset").asLong()).isEqualTo(1);
                assertThat(p.get("incomplete").asBoolean()).as(p.get("note").asText()).isFalse();
                assertThat(p.get("groups")).extracting(g -> g.get("group").asText()).containsExactly("path-a", "path-b");
                JsonNode a1 = p.get("groups").get(0);
                assertThat(a1.get("consumedPast").asBoolean()).isTrue();
                assertThat(a1.get("retried").asBoolean()).isTrue();
                assertThat(a1.get("retries")).hasSize(1);
                assertThat(a1.get("deadLettered").asBoolean()).isTrue();
                assertThat(a1.get("resent").asBoolean()).isFalse();
                JsonNode b1 = p.get("groups").get(1);
                assertThat(b1.get("consumedPast").asBoolean()).isFalse();
                assertThat(b1.get("committedOffset").asLong()).isEqualTo(1);
                assertThat(b1.get("retried").asBoolean()).isFalse();
                assertThat(b1.get("deadLettered").asBoolean()).isFalse();
                assertThat(b1.get("resent").asBoolean()).isFalse();
            });

            failing.set(false);
            String deadId = http.get(path).json().get("groups").get(0).get("deadLetters").get(0).get("msgId").asText();
            JsonNode r = http.post("/api/groups/path-a/dead-letters/resend", Map.of("ids", List.of(deadId))).json();
            assertThat(r.get("resent").asInt()).isEqualTo(1);
            await().atMost(Duration.ofSeconds(20)).until(() -> deliveries.get() == 3);
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                JsonNode a2 = http.get(path).json().get("groups").get(0);
                assertThat(a2.get("resent").asBoolean()).isTrue();
                assertThat(a2.get("resends")).hasSize(1);
                assertThat(a2.get("retries")).hasSize(1);
            });
            JsonNode viaCopy = http.get("/api/messages/path?id=" + deadId + "&group=path-b").json();
            assertThat(viaCopy.get("msgId").asText()).as("a copy's path is the original's").isEqualTo(target);
            assertThat(viaCopy.get("askedId").asText()).isEqualTo(deadId);
            assertThat(viaCopy.get("groups")).extracting(g -> g.get("group").asText()).containsExactly("path-b");
        }
    }

    @Test
    void theWaitingPageCountsDelayedMessagesPerTopicAndUndecidedHalfMessages() {
        ConsoleHttp http = loggedIn();
        createTopic(http, "later", 1);
        createTopic(http, "tx-orders", 1);
        producer.send(Message.builder("later").keys("in-ten-minutes").delayMs(600_000).body("x").build());
        producer.send(Message.builder("later").keys("in-five-minutes").delayMs(300_000).body("y").build());
        TransactionListener undecided = new TransactionListener() {
            @Override
            public LocalTransactionState executeLocalTransaction(Message msg, Object arg) {
                return LocalTransactionState.UNKNOWN;
            }

            @Override
            public LocalTransactionState checkLocalTransaction(MessageExt msg) {
                return LocalTransactionState.UNKNOWN;
            }
        };
        try (TransactionProducer tx = TransactionProducer.builder("waiting-tx", config("waiting-tx"))
                .listener(undecided).build()) {
            tx.start();
            tx.sendMessageInTransaction(Message.builder("tx-orders").body("pending").build(), null);
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                JsonNode w = http.get("/api/waiting").json();
                assertThat(w.get("incomplete").asBoolean()).isFalse();
                JsonNode b = w.get("brokers").get(0);
                JsonNode later = null;
                for (JsonNode t : b.get("delayed")) {
                    if (t.get("topic").asText().equals("later")) {
                        later = t;
                    }
                }
                assertThat(later).as(String.valueOf(b.get("delayed"))).isNotNull();
                assertThat(later.get("waiting").asInt()).isEqualTo(2);
                assertThat(later.get("next")).extracting(n -> n.get("keys").asText())
                        .containsExactly("in-five-minutes", "in-ten-minutes");
                assertThat(b.get("scheduledTotal").asLong()).isGreaterThanOrEqualTo(2);
                assertThat(b.get("halfWaiting").asInt()).isEqualTo(1);
                assertThat(b.get("halves").get(0).get("producerGroup").asText()).isEqualTo("waiting-tx");
                assertThat(b.get("halves").get(0).get("topic").asText()).isEqualTo("tx-orders");
                assertThat(b.get("halves").get(0).get("checkTimes").isInt()).isTrue();
                assertThat(b.get("oldestHalfAgeMs").asLong()).isNotNegative();
            });
        }
    }

    @Test
    void anOffsetResetShowsADryRunFirstNeedsTheGroupsNameAndIsRefusedWhileTheGroupIsOnline() throws Exception {
        ConsoleHttp http = loggedIn();
        createTopic(http, "rewind", 1);
        send("rewind", 4, null);
        Map<String, Object> toEarliest = Map.of("topic", "rewind", "to", "earliest");
        try (PullConsumer c = PullConsumer.builder("rewind-group", config("rewind")).autoCommit(false).build()) {
            receive(c, "rewind", 4);
            c.commitSync();
            await().atMost(Duration.ofSeconds(10)).until(() ->
                    http.get("/api/groups/rewind-group").json().get("queues").get(0).get("consumerOffset").asLong() == 4);

            JsonNode plan = http.post("/api/groups/rewind-group/offset-reset/plan", toEarliest).json();
            assertThat(plan.get("executed").asBoolean()).isFalse();
            assertThat(plan.get("changedQueues").asInt()).isEqualTo(1);
            assertThat(plan.get("onlineMembers")).hasSize(1);
            JsonNode row = plan.get("rows").get(0);
            assertThat(row.get("oldOffset").asLong()).isEqualTo(4);
            assertThat(row.get("newOffset").asLong()).isZero();
            assertThat(row.get("messageDelta").asLong()).isEqualTo(4);
            ConsoleHttp.Reply online = http.post("/api/groups/rewind-group/offset-reset/execute",
                    Map.of("topic", "rewind", "to", "earliest", "confirm", "rewind-group"));
            assertThat(online.status()).isEqualTo(409);
            assertThat(online.json().get("error").asText()).contains("online");
        }
        assertThat(http.get("/api/groups/rewind-group").json().get("queues").get(0).get("consumerOffset").asLong())
                .as("the dry run changed nothing").isEqualTo(4);

        ConsoleHttp.Reply unconfirmed = http.post("/api/groups/rewind-group/offset-reset/execute",
                Map.of("topic", "rewind", "to", "earliest", "confirm", "rewind"));
        assertThat(unconfirmed.status()).isEqualTo(400);
        assertThat(unconfirmed.json().get("error").asText()).contains("type the group's name");

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            ConsoleHttp.Reply done = http.post("/api/groups/rewind-group/offset-reset/execute",
                    Map.of("topic", "rewind", "to", "earliest", "confirm", "rewind-group"));
            assertThat(done.status()).as(String.valueOf(done.json())).isEqualTo(200);
            assertThat(done.json().get("executed").asBoolean()).isTrue();
        });
        JsonNode g = http.get("/api/groups/rewind-group").json();
        assertThat(g.get("queues").get(0).get("consumerOffset").asLong()).isZero();
        assertThat(g.get("lag").asLong()).isEqualTo(4);
        assertThat(Files.readString(console.usersFile().orElseThrow().resolveSibling("audit.log")))
                .contains("\"user\":\"admin\"").contains("offset reset of group rewind-group on topic rewind to earliest");
    }

    @Test
    void aGroupShowsItsMembersAndItsLagPerQueue() {
        ConsoleHttp http = loggedIn();
        createTopic(http, "lagging", 1);
        send("lagging", 3, null);
        try (PullConsumer c = PullConsumer.builder("lag-group", config("lag-consumer")).autoCommit(false).build()) {
            receive(c, "lagging", 3);
            c.commitSync();
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                JsonNode g = http.get("/api/groups/lag-group").json();
                assertThat(g.get("members")).hasSize(1);
                assertThat(g.get("lag").asLong()).isZero();
                assertThat(g.get("queues").get(0).get("consumerOffset").asLong()).isEqualTo(3);
            });
        }
        send("lagging", 2, null);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            JsonNode g = http.get("/api/groups/lag-group").json();
            assertThat(g.get("lag").asLong()).isEqualTo(2);
            assertThat(g.get("unknownQueues").asInt()).isZero();
            JsonNode q = g.get("queues").get(0);
            assertThat(q.get("lag").asLong()).isEqualTo(2);
            assertThat(q.get("unknownReason").isNull()).isTrue();
        });
        JsonNode list = http.get("/api/groups?filter=lag-group").json();
        assertThat(list.get("items").get(0).get("lag").asLong()).isEqualTo(2);
        assertThat(http.get("/api/groups/no-such-group").status()).isEqualTo(404);
    }

    @Test
    void aDeadLetterResendAnswersOneOutcomePerId() {
        ConsoleHttp http = loggedIn();
        createTopic(http, "not-dead", 1);
        String realId = send("not-dead", 1, null).get(0).msgId();
        JsonNode r = http.post("/api/groups/dlq-group/dead-letters/resend", Map.of("ids", List.of(realId, "bogus"))).json();
        assertThat(r.get("resent").asInt()).isZero();
        assertThat(r.get("failed").asInt()).isEqualTo(2);
        assertThat(r.get("outcomes")).extracting(o -> o.get("msgId").asText() + " " + o.get("outcome").asText())
                .containsExactly(realId + " NOT_FOUND", "bogus FAILED");
        assertThat(http.get("/api/groups/dlq-group/dead-letters").json().get("messages")).isEmpty();
    }

    @Test
    void aGroupsDrainTimeIsUnknownWhileItDoesNotConsumeAndItsLagIsChartedOverTime() {
        ConsoleHttp http = loggedIn();
        createTopic(http, "draining", 1);
        send("draining", 4, null);
        try (PullConsumer c = PullConsumer.builder("drain-group", config("drain-consumer")).autoCommit(false).build()) {
            receive(c, "draining", 4);
            c.commitSync();
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                JsonNode g = http.get("/api/groups/drain-group").json();
                assertThat(g.get("lag").asLong()).isZero();
                assertThat(g.get("drainSeconds").asDouble()).isZero();
                assertThat(g.get("queues").get(0).get("drainSeconds").asDouble()).isZero();
            });
        }
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            JsonNode samples = http.get("/api/groups/drain-group/lag-history").json().get("samples");
            assertThat(samples.get(samples.size() - 1).get("lag").asLong()).isZero();
        });
        send("draining", 3, null);
        // lagging, offsets not moving: after two samples the rate is 0 and the drain time unknown, never 0
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            JsonNode g = http.get("/api/groups/drain-group").json();
            assertThat(g.get("lag").asLong()).isEqualTo(3);
            assertThat(g.get("drainSeconds").isNull()).as(g.toString()).isTrue();
            assertThat(g.get("drainUnknownReason").asText()).startsWith("not draining");
            assertThat(g.get("consumeRate").asDouble()).isZero();
            assertThat(g.get("queues").get(0).get("drainSeconds").isNull()).isTrue();
            JsonNode row = http.get("/api/groups?filter=drain-group").json().get("items").get(0);
            assertThat(row.get("drainSeconds").isNull()).isTrue();
            assertThat(row.get("drainUnknownReason").asText()).startsWith("not draining");
        });
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            JsonNode h = http.get("/api/groups/drain-group/lag-history").json();
            assertThat(h.get("sampled").asBoolean()).isTrue();
            assertThat(h.get("intervalMs").asLong()).isEqualTo(200);
            List<Long> lags = new ArrayList<>();
            h.get("samples").forEach(p -> lags.add(p.get("lag").asLong()));
            assertThat(lags).contains(0L, 3L);
            assertThat(lags.get(lags.size() - 1)).isEqualTo(3L);
            assertThat(lags.indexOf(3L)).isGreaterThan(lags.indexOf(0L));
        });
        // consuming again: a positive rate and a finite drain time while lag remains, 0 once caught up
        try (PullConsumer c = PullConsumer.builder("drain-group", config("drain-consumer-2")).autoCommit(false).build()) {
            receive(c, "draining", 3);
            c.commitSync();
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                JsonNode g = http.get("/api/groups/drain-group").json();
                assertThat(g.get("lag").asLong()).isZero();
                assertThat(g.get("consumeRate").asDouble()).isPositive();
                assertThat(g.get("drainSeconds").asDouble()).isZero();
            });
        }
        JsonNode none = http.get("/api/groups/no-such-group/lag-history").json();
        assertThat(none.get("sampled").asBoolean()).isFalse();
        assertThat(none.get("samples")).isEmpty();
    }

    @Test
    void theRatesHistoryHoldsEachBrokersInAndOutRatesOverTime() {
        ConsoleHttp http = loggedIn();
        createTopic(http, "rated", 1);
        send("rated", 20, null);
        await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
            JsonNode r = http.get("/api/brokers/rates-history").json();
            assertThat(r.get("intervalMs").asLong()).isEqualTo(200);
            assertThat(r.get("brokers")).hasSize(1);
            JsonNode samples = r.get("brokers").get(0).get("samples");
            assertThat(samples.size()).isGreaterThanOrEqualTo(2);
            long previous = 0;
            boolean sawIn = false;
            for (JsonNode p : samples) {
                assertThat(p.get("timeMs").asLong()).isGreaterThan(previous);
                previous = p.get("timeMs").asLong();
                assertThat(p.get("inPerSecond").asDouble()).isNotNegative();
                assertThat(p.get("outPerSecond").asDouble()).isNotNegative();
                sawIn |= p.get("inPerSecond").asDouble() > 0;
            }
            assertThat(sawIn).as("the 20 sends show as a rate in").isTrue();
        });
    }

    @Test
    void aGroupsDeliveryLatencyIsChartedFromTheBrokersPercentilesOfStoreToDelivery() {
        ConsoleHttp http = loggedIn();
        createTopic(http, "latency", 1);
        List<SendResult> sent = send("latency", 6, null);
        long lastStored;
        try (io.tidemq.client.admin.AdminClient admin = io.tidemq.client.admin.AdminClient.connect(cluster.namesrvAddr,
                5_000)) {
            lastStored = sent.stream().mapToLong(r -> admin.messageById(r.msgId()).storeTimestampMs()).max()
                    .orElseThrow();
        }
        // the messages wait at least 300 ms in the store before the group pulls them
        await().atMost(Duration.ofSeconds(5)).until(() -> System.currentTimeMillis() >= lastStored + 300);
        long firstStored;
        long consumedAt;
        try (PullConsumer c = PullConsumer.builder("latency-group", config("latency-consumer")).build()) {
            List<MessageExt> got = receive(c, "latency", 6);
            consumedAt = System.currentTimeMillis();
            firstStored = got.stream().mapToLong(MessageExt::storeTimestampMs).min().orElseThrow();
        }
        await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
            JsonNode h = http.get("/api/groups/latency-group/latency-history").json();
            assertThat(h.get("sampled").asBoolean()).as(h.toString()).isTrue();
            assertThat(h.get("intervalMs").asLong()).isEqualTo(200);
            assertThat(h.get("brokers")).hasSize(1);
            JsonNode b = h.get("brokers").get(0);
            assertThat(b.get("broker").asText()).isEqualTo("broker-console");
            long delivered = 0;
            for (JsonNode p : b.get("samples")) {
                if (p.get("count").asLong() == 0) {
                    // nothing delivered in that interval: unknown, never 0
                    assertThat(p.get("p50Ms").isNull()).isTrue();
                    assertThat(p.get("p99Ms").isNull()).isTrue();
                    continue;
                }
                delivered += p.get("count").asLong();
                long p50 = p.get("p50Ms").asLong();
                long p99 = p.get("p99Ms").asLong();
                assertThat(p50).isGreaterThanOrEqualTo(300).isLessThanOrEqualTo(p99);
                assertThat(p99).isLessThanOrEqualTo(p.get("maxMs").asLong());
                // 0.1 % precision above the true bound
                assertThat(p.get("maxMs").asLong()).isLessThanOrEqualTo((long) ((consumedAt - firstStored) * 1.001) + 1);
            }
            assertThat(delivered).as("the 6 deliveries are in the sampled intervals").isPositive();
        });
        JsonNode never = http.get("/api/groups/no-such-group/latency-history").json();
        assertThat(never.get("sampled").asBoolean()).isFalse();
        assertThat(never.get("brokers")).isEmpty();
    }

    @Test
    void aTopicsRatesOverTimeAreTheBrokersCountsInAndOutPerInterval() {
        ConsoleHttp http = loggedIn();
        createTopic(http, "rated-topic", 2);
        send("rated-topic", 20, null);
        try (PullConsumer c = PullConsumer.builder("rated-group", config("rated-consumer")).build()) {
            receive(c, "rated-topic", 20);
        }
        // every message counted once in, once out, over the broker's intervals (rate x interval length = count)
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            JsonNode r = http.get("/api/topics/rated-topic/rates-history").json();
            assertThat(r.get("intervalMs").asLong()).isEqualTo(200);
            assertThat(r.get("capacity").asInt()).isEqualTo(90);
            assertThat(r.get("brokers")).hasSize(1);
            JsonNode b = r.get("brokers").get(0);
            assertThat(b.get("broker").asText()).isEqualTo("broker-console");
            assertThat(b.get("address").asText()).isEqualTo(cluster.broker.address());
            double in = 0;
            double out = 0;
            long previousEnd = 0;
            for (JsonNode p : b.get("samples")) {
                double seconds = (p.get("endMs").asLong() - p.get("startMs").asLong()) / 1_000.0;
                assertThat(p.get("endMs").asLong()).isGreaterThan(previousEnd);
                previousEnd = p.get("endMs").asLong();
                in += p.get("inPerSecond").asDouble() * seconds;
                out += p.get("outPerSecond").asDouble() * seconds;
            }
            assertThat(in).isCloseTo(20, org.assertj.core.api.Assertions.within(0.1));
            assertThat(out).isCloseTo(20, org.assertj.core.api.Assertions.within(0.1));
        });
        assertThat(http.get("/api/topics/no-such-topic/rates-history").status()).isEqualTo(404);
    }

    @Test
    void theConsoleServesItsOwnPrometheusMetricsWithoutALogin() {
        ConsoleHttp http = loggedIn();
        http.get("/api/overview");
        ConsoleHttp.Reply r = new ConsoleHttp(console.url()).get("/metrics");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.raw().headers().firstValue("Content-Type").orElse("")).startsWith("text/plain; version=0.0.4");
        String text = r.raw().body();
        assertThat(text).contains("# TYPE tidemq_console_http_requests_seconds summary",
                "# TYPE tidemq_console_sample_failures_total counter", "# TYPE tidemq_console_sampled_groups gauge");
        double served = text.lines().filter(l -> l.startsWith("tidemq_console_http_requests_seconds_count"))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
        assertThat(served).as(text).isGreaterThanOrEqualTo(2); // the login and the overview at least
        // the API itself still needs a login
        assertThat(new ConsoleHttp(console.url()).get("/api/overview").status()).isEqualTo(401);
    }

    /** Subscribes {@code consumer} to every tag of {@code topic}, starts it and polls until it received {@code count}. */
    private static List<MessageExt> receive(PullConsumer consumer, String topic, int count) {
        consumer.subscribe(topic, "*");
        consumer.start();
        List<MessageExt> got = new ArrayList<>();
        await().atMost(Duration.ofSeconds(20)).until(() -> {
            got.addAll(consumer.poll(Duration.ofMillis(200)));
            return got.size() >= count;
        });
        return got;
    }
}
