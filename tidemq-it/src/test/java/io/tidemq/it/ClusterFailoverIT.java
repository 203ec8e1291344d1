package io.tidemq.it;

import io.tidemq.client.ClientConfig;
import io.tidemq.client.admin.AdminClient;
import io.tidemq.client.admin.AdminTarget;
import io.tidemq.client.admin.BrokerEntry;
import io.tidemq.client.consumer.PushConsumer;
import io.tidemq.client.producer.Producer;
import io.tidemq.common.route.TopicConfig;
import io.tidemq.it.support.Cluster;
import io.tidemq.it.support.Deliveries;
import io.tidemq.it.support.ItLogs;
import io.tidemq.it.support.StreamProducer;
import io.tidemq.it.support.TestClients;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Two NameServers and two brokers (broker-a, broker-b) of one cluster; a producer keeps sending while
 * broker-a is killed with SIGKILL. Sends move to broker-b within the route refresh period, the NameServers
 * drop broker-a as soon as its connection closes, and no acknowledged message is lost.
 */
class ClusterFailoverIT {

    private static final String CLUSTER = "ItCluster";
    private static final String TOPIC = "it-failover";
    private static final String GROUP = "it-failover-group";
    private static final int QUEUES = 4;
    private static final int CAPACITY = 1_000_000;
    /** Far above the test's waits: an eviction the test sees comes from the closed connection, not expiry. */
    private static final String BROKER_EXPIRE_MS = "120000";
    /** Slack for a loaded 2-core box on top of the client's route refresh period. */
    private static final long FAILOVER_MARGIN_MS = 3_000;
    private static final Duration EVICTION_TIMEOUT = Duration.ofSeconds(5);

    @TempDir
    Path tmp;

    private Cluster cluster;
    private final List<AutoCloseable> clients = new ArrayList<>();

    @BeforeEach
    void startCluster() {
        cluster = new Cluster(CLUSTER, tmp.resolve("cluster"), ItLogs.forClass(getClass()));
        cluster.addNamesrv("namesrv-1", Map.of("brokerExpireMs", BROKER_EXPIRE_MS));
        cluster.addNamesrv("namesrv-2", Map.of("brokerExpireMs", BROKER_EXPIRE_MS));
        cluster.addBroker("broker-a", Map.of("flushMode", "SYNC"));
        cluster.addBroker("broker-b", Map.of("flushMode", "SYNC"));
        cluster.startAll();
        for (String ns : cluster.namesrvAddrList()) {
            await("both brokers registered with " + ns).atMost(Duration.ofSeconds(30))
                    .until(() -> brokerNames(ns).equals(Set.of("broker-a", "broker-b")));
        }
        try (AdminClient admin = AdminClient.connect(cluster.namesrvAddrs(), 5_000)) {
            assertThat(admin.createTopic(TopicConfig.of(TOPIC, QUEUES), AdminTarget.cluster(CLUSTER)))
                    .as("brokers the topic was created on").hasSize(2);
        }
        for (String ns : cluster.namesrvAddrList()) {
            try (AdminClient admin = AdminClient.connect(ns, 5_000)) {
                await("the route on " + ns + " lists both brokers").atMost(Duration.ofSeconds(30))
                        .until(() -> admin.route(TOPIC).queueDatas().size() == 2);
            }
        }
    }

    @AfterEach
    void stopAll() throws Exception {
        Collections.reverse(clients);
        for (AutoCloseable c : clients) {
            c.close();
        }
        cluster.close();
    }

    @Test
    void sendsFailOverToTheSurvivorWithinARouteRefreshAndNoAcknowledgedMessageIsLost() {
        Producer producer = Producer.builder("it-failover-producer",
                TestClients.config(cluster.namesrvAddrs(), "producer", tmp.resolve("offsets")).build()).build();
        clients.add(producer);
        producer.start();
        StreamProducer stream = new StreamProducer(producer, TOPIC, CAPACITY).start();
        clients.add(stream);
        await("both brokers acknowledge sends").atMost(Duration.ofSeconds(60))
                .until(() -> stream.ackedSeqs("broker-a").cardinality() >= 200
                        && stream.ackedSeqs("broker-b").cardinality() >= 200);

        long killNs = System.nanoTime();
        cluster.broker("broker-a").kill9();
        long killedNs = System.nanoTime();

        long maxResumeMs = TestClients.ROUTE_REFRESH_INTERVAL_MS + FAILOVER_MARGIN_MS;
        await("a send started after the kill is acknowledged").atMost(Duration.ofMillis(maxResumeMs + 2_000))
                .until(() -> stream.firstAckStartedAfter(killedNs).isPresent());
        StreamProducer.Attempt firstAfter = stream.firstAckStartedAfter(killedNs).orElseThrow();
        long resumeMs = TimeUnit.NANOSECONDS.toMillis(firstAfter.endNs() - killNs);
        assertThat(firstAfter.brokerName()).isEqualTo("broker-b");
        assertThat(resumeMs).as("ms from the kill until sends succeed again").isLessThanOrEqualTo(maxResumeMs);

        long evictionStartNs = System.nanoTime();
        for (String ns : cluster.namesrvAddrList()) {
            await(ns + " drops the killed broker").atMost(EVICTION_TIMEOUT)
                    .until(() -> brokerNames(ns).equals(Set.of("broker-b")));
        }
        long evictionMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - evictionStartNs);

        // once the route has surely been refreshed, every send must succeed at the first broker it tries
        long settledNs = killedNs + TimeUnit.MILLISECONDS.toNanos(maxResumeMs);
        await("sends keep flowing after the route refresh").atMost(Duration.ofSeconds(60))
                .until(() -> attemptsStartedAfter(stream, settledNs).size() >= 300);
        stream.stop();
        assertThat(attemptsStartedAfter(stream, settledNs)).as("sends started once the route refreshed")
                .allMatch(a -> "broker-b".equals(a.brokerName()), "acknowledged by broker-b");

        BitSet ackedA = stream.ackedSeqs("broker-a");
        BitSet ackedB = stream.ackedSeqs("broker-b");
        Deliveries deliveries = new Deliveries(CAPACITY);
        ClientConfig config = TestClients.config(cluster.namesrvAddrs(), "consumer", tmp.resolve("offsets")).build();
        PushConsumer consumer = PushConsumer.builder(GROUP, config).build();
        consumer.subscribe(TOPIC, "*");
        consumer.registerListener(deliveries.listener("consumer", false));
        clients.add(consumer);
        consumer.start();
        await("every message acknowledged by broker-b is consumed").atMost(Duration.ofSeconds(60))
                .until(() -> deliveries.missing(ackedB).isEmpty());

        cluster.broker("broker-a").start();
        for (String ns : cluster.namesrvAddrList()) {
            await("broker-a registers again with " + ns).atMost(Duration.ofSeconds(30))
                    .until(() -> brokerNames(ns).equals(Set.of("broker-a", "broker-b")));
        }
        await("every message acknowledged by broker-a before its kill is consumed after its restart")
                .atMost(Duration.ofSeconds(60)).until(() -> deliveries.missing(ackedA).isEmpty());
        assertThat(deliveries.violations()).isEmpty();
        System.out.printf("ClusterFailoverIT: sends resumed %d ms after the kill; NameServers evicted broker-a within"
                        + " %d ms; %d acknowledged by broker-a, %d by broker-b, %d sends failed%n", resumeMs, evictionMs,
                ackedA.cardinality(), ackedB.cardinality(), stream.attempted() - stream.acked());
    }

    private static List<StreamProducer.Attempt> attemptsStartedAfter(StreamProducer stream, long startNs) {
        return stream.attempts().stream().filter(a -> a.startNs() > startNs).toList();
    }

    /** The broker names one NameServer lists. */
    private static Set<String> brokerNames(String namesrvAddr) {
        try (AdminClient admin = AdminClient.connect(namesrvAddr, 3_000)) {
            return admin.brokers().stream().filter(b -> CLUSTER.equals(b.cluster())).map(BrokerEntry::brokerName)
                    .collect(Collectors.toCollection(TreeSet::new));
        }
    }
}
