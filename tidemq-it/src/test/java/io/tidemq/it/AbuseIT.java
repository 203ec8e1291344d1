package io.tidemq.it;

import io.tidemq.client.ClientConfig;
import io.tidemq.client.admin.AdminClient;
import io.tidemq.client.admin.AdminTarget;
import io.tidemq.client.consumer.ConsumeStatus;
import io.tidemq.client.consumer.PushConsumer;
import io.tidemq.client.producer.Producer;
import io.tidemq.common.json.Json;
import io.tidemq.common.message.Message;
import io.tidemq.common.protocol.RequestCode;
import io.tidemq.common.protocol.ResponseCode;
import io.tidemq.common.protocol.body.ConsumerData;
import io.tidemq.common.protocol.body.HeartbeatData;
import io.tidemq.common.protocol.body.SubscriptionData;
import io.tidemq.common.protocol.header.Headers;
import io.tidemq.common.route.BrokerData;
import io.tidemq.common.route.TopicConfig;
import io.tidemq.it.support.Cluster;
import io.tidemq.it.support.ItLogs;
import io.tidemq.it.support.TestClients;
import io.tidemq.remoting.netty.NettyClientConfig;
import io.tidemq.remoting.netty.NettyRemotingClient;
import io.tidemq.remoting.protocol.RemotingCommand;
import io.netty.util.ResourceLeakDetector;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * One client abuses a broker running in a small heap (-Xmx128m): 100 000 heartbeats with random consumer groups
 * (each subscribing to a real topic, so each would want a retry topic) and 100 000 pipelined long-polling pulls.
 * The broker must stay alive within its heap, stay registered at the NameServer, bound its retry topics and held
 * pulls, and keep serving a normal producer and consumer throughout.
 */
class AbuseIT {

    private static final String TOPIC = "it-abuse";
    /** Never written to: the abusive pulls of it are held (long polling) until the broker's limit. */
    private static final String IDLE_TOPIC = "it-abuse-idle";
    private static final int HEARTBEATS = 100_000;
    private static final int PULLS = 100_000;
    /** Requests of the abusing client in flight at once (its own memory, and a pace the broker can refuse). */
    private static final int IN_FLIGHT = 2_000;
    private static final Duration WAIT = Duration.ofSeconds(60);

    @TempDir
    Path tmp;

    private Cluster cluster;
    private NettyRemotingClient abuser;
    private final List<AutoCloseable> clients = new ArrayList<>();

    /** The test JVM's leak detection level (paranoid in this build), restored after the test. */
    private final ResourceLeakDetector.Level leakDetection = ResourceLeakDetector.getLevel();

    @BeforeEach
    void fastAbuser() {
        // paranoid leak tracking of 200 000 frames would make the abusing client, not the broker, the bottleneck
        ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.DISABLED);
    }

    @AfterEach
    void stopAll() throws Exception {
        ResourceLeakDetector.setLevel(leakDetection);
        Collections.reverse(clients);
        for (AutoCloseable c : clients) {
            c.close();
        }
        if (abuser != null) {
            abuser.shutdown();
        }
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void oneAbusiveClientCannotExhaustTheBrokerOrPushItOutOfTheRoutes() throws Exception {
        cluster = new Cluster("it-abuse-cluster", tmp.resolve("cluster"), ItLogs.forClass(getClass()));
        cluster.addNamesrv("namesrv", Map.of());
        cluster.addBroker("broker-a", Map.of("clientExpireMs", "8000"),
                List.of("-Xmx128m", "-XX:MaxDirectMemorySize=128m", "-XX:+ExitOnOutOfMemoryError"));
        cluster.startAll();
        String brokerAddr;
        try (AdminClient admin = AdminClient.connect(cluster.namesrvAddrs(), 10_000)) {
            admin.createTopic(TopicConfig.of(TOPIC, 4), AdminTarget.all());
            admin.createTopic(TopicConfig.of(IDLE_TOPIC, 4), AdminTarget.all());
            admin.awaitRoute(IDLE_TOPIC, 20_000);
            brokerAddr = admin.awaitRoute(TOPIC, 20_000).brokerDatas().get(0).masterAddr();
        }

        Set<String> received = ConcurrentHashMap.newKeySet();
        ClientConfig.Builder config = TestClients.config(cluster.namesrvAddrs(), "normal", tmp.resolve("offsets"));
        PushConsumer consumer = PushConsumer.builder("it-abuse-normal", config.build()).build();
        consumer.subscribe(TOPIC, "*").registerListener((msgs, ctx) -> {
            msgs.forEach(m -> received.add(new String(m.body(), StandardCharsets.UTF_8)));
            return ConsumeStatus.SUCCESS;
        });
        consumer.start();
        clients.add(consumer);
        Producer producer = Producer.builder("it-abuse-producer",
                TestClients.config(cluster.namesrvAddrs(), "producer", tmp.resolve("offsets")).build()).build();
        producer.start();
        clients.add(producer);

        abuser = new NettyRemotingClient(NettyClientConfig.defaults());
        abuser.start();
        long startNs = System.nanoTime();
        AbuseCounts heartbeats = heartbeatStorm(brokerAddr);
        int sent = 0;
        AbuseCounts pulls = new AbuseCounts();
        for (int i = 0; i < PULLS; i++) {
            RemotingCommand pull = RemotingCommand.createRequest(RequestCode.PULL_MESSAGE)
                    .writeHeader(new Headers.PullMessageRequest("abuse-pull", IDLE_TOPIC, i % 4, 0, 32, -1, 30_000,
                            "*", null));
            track(abuser.invokeAsync(brokerAddr, pull, 60_000), pulls, null); // pipelined, nothing awaited
            if (i % 10_000 == 0) {
                producer.send(Message.builder(TOPIC).body("during-" + sent).build());
                sent++;
            }
        }
        int sentDuring = sent;
        await().atMost(WAIT).untilAsserted(() -> assertThat(pulls.answered.get() + pulls.failed.get())
                .as("pulls: %s; heartbeats: %s", pulls, heartbeats).isGreaterThanOrEqualTo(PULLS - 2_000));
        assertThat(pulls.failed.get()).as("pulls: %s", pulls).isZero();
        long abuseMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNs);

        try (AdminClient admin = AdminClient.connect(cluster.namesrvAddrs(), 10_000)) {
            Map<String, String> info = admin.brokerRuntimeInfo(brokerAddr);
            long heapUsed = Long.parseLong(info.get("jvmHeapUsedBytes"));
            long heapMax = Long.parseLong(info.get("jvmHeapMaxBytes"));
            int held = Integer.parseInt(info.get("heldPullCount"));
            long retryTopics = admin.listTopics(AdminTarget.all(), true).stream()
                    .filter(t -> t.startsWith("%RETRY%abuse-")).count();
            System.out.printf("AbuseIT: %d heartbeats answered (%d busy), %d pulls answered (%d busy) in %d ms;"
                            + " broker heap %d of %d MiB, %d held pulls, %d abuse retry topics%n",
                    heartbeats.answered.get(), heartbeats.busy.get(), pulls.answered.get(), pulls.busy.get(),
                    abuseMs, heapUsed >> 20, heapMax >> 20, held, retryTopics);
            // the abuser's connection holds at most longPollingMaxHeldPerConnection; the normal consumer a few more
            assertThat(held).as("held pulls").isLessThanOrEqualTo(2_000 + 16);
            assertThat(retryTopics).as("retry topics of made-up groups")
                    .isLessThanOrEqualTo(20L * (abuseMs / 1_000 + 2));
            assertThat(admin.route(TOPIC).brokerDatas()).extracting(BrokerData::brokerName).containsExactly("broker-a");
        }
        assertThat(cluster.broker("broker-a").isAlive()).as("broker alive (it exits on OutOfMemoryError)").isTrue();

        for (int i = 0; i < 200; i++) {
            producer.send(Message.builder(TOPIC).body("after-" + i).build());
        }
        await().atMost(WAIT).until(() -> received.size() == sentDuring + 200);
        for (int i = 0; i < 200; i++) {
            assertThat(received).contains("after-" + i);
        }

        abuser.shutdown(); // its groups leave, so their empty retry topics are deleted with them
        abuser = null;
        try (AdminClient admin = AdminClient.connect(cluster.namesrvAddrs(), 10_000)) {
            await().atMost(WAIT).until(() -> admin.listTopics(AdminTarget.all(), true).stream()
                    .noneMatch(t -> t.startsWith("%RETRY%abuse-")));
        }
        assertThat(cluster.broker("broker-a").lines()).noneMatch(l -> l.contains("OutOfMemoryError"));
    }

    /** 100 000 heartbeats, each naming one fresh group that subscribes to the real topic. */
    private AbuseCounts heartbeatStorm(String brokerAddr) throws InterruptedException {
        AbuseCounts counts = new AbuseCounts();
        Semaphore window = new Semaphore(IN_FLIGHT);
        SplittableRandom random = new SplittableRandom(20_261_203L);
        for (int i = 0; i < HEARTBEATS; i++) {
            String group = "abuse-" + Long.toHexString(random.nextLong());
            ConsumerData c = new ConsumerData(group, "PUSH", "CLUSTERING", "LAST",
                    Set.of(new SubscriptionData(TOPIC, "*")), null);
            RemotingCommand hb = RemotingCommand.createRequest(RequestCode.HEART_BEAT)
                    .setBody(Json.toBytes(new HeartbeatData("abuser@1@x", Set.of(), Set.of(c))));
            window.acquire();
            track(abuser.invokeAsync(brokerAddr, hb, 60_000), counts, window);
        }
        window.acquire(IN_FLIGHT);
        return counts;
    }

    /** @param window released when the call completes, or {@code null} */
    private static void track(CompletableFuture<RemotingCommand> call, AbuseCounts counts, Semaphore window) {
        call.whenComplete((r, e) -> {
            if (window != null) {
                window.release();
            }
            if (e != null) {
                counts.failed.incrementAndGet();
                counts.firstFailure.compareAndSet(null, e.toString());
            } else {
                counts.answered.incrementAndGet();
                if (r.code() == ResponseCode.SYSTEM_BUSY.code()) {
                    counts.busy.incrementAndGet();
                }
            }
        });
    }

    /** Answers seen by the abusing client; updated by its I/O threads. */
    private static final class AbuseCounts {
        final AtomicLong answered = new AtomicLong();
        final AtomicLong busy = new AtomicLong();
        final AtomicLong failed = new AtomicLong();
        final java.util.concurrent.atomic.AtomicReference<String> firstFailure =
                new java.util.concurrent.atomic.AtomicReference<>();

        @Override
        public String toString() {
            return answered + " answered (" + busy + " SYSTEM_BUSY), " + failed + " failed (first: " + firstFailure.get()
                    + ")";
        }
    }
}
