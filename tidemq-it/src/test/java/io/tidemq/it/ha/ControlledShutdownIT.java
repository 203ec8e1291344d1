package io.tidemq.it.ha;

import io.tidemq.broker.ha.AcceptingWritesLog;
import io.tidemq.client.admin.AdminClient;
import io.tidemq.client.admin.AdminTarget;
import io.tidemq.client.admin.QueueMessages;
import io.tidemq.client.producer.Producer;
import io.tidemq.client.producer.SendResult;
import io.tidemq.client.producer.SendStatus;
import io.tidemq.common.message.Message;
import io.tidemq.common.message.MessageExt;
import io.tidemq.common.route.TopicConfig;
import io.tidemq.controller.client.ControllerServiceClient;
import io.tidemq.controller.state.GroupState;
import io.tidemq.it.support.Cli;
import io.tidemq.it.support.Cluster;
import io.tidemq.it.support.FreePorts;
import io.tidemq.it.support.ItLogs;
import io.tidemq.it.support.JvmProcess;
import io.tidemq.it.support.ServerNode;
import io.tidemq.it.support.TestClients;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Controlled shutdown, in real JVMs on loopback ports chosen at run time: three {@code tidemq controller} peers
 * (2 s master lease), a NameServer, two replicas following the controller (SYNC, {@code minInSyncReplicas=1}) and a
 * producer sending without pause. The master is stopped with SIGTERM. Checked: before its process ended, it stopped
 * taking writes, an in-sync slave held its whole log and the controller elected that slave (the old master logs
 * the hand-over and follows the new epoch as a slave before it prints its stop line; an election after the lease
 * could only come once it had stopped heartbeating); the old master's {@code STOP} precedes the new {@code START};
 * every acknowledged message is on the new master.
 */
class ControlledShutdownIT {
    private static final String GROUP = "ha-handover";
    private static final String TOPIC = "it-handover";
    private static final Duration WAIT = Duration.ofSeconds(90);

    @TempDir
    Path dir;
    private final JvmProcess[] controllers = new JvmProcess[3];
    private final List<String> controllerAddresses = new CopyOnWriteArrayList<>();
    private final List<AutoCloseable> closeables = new ArrayList<>();
    private Cluster cluster;
    private ControllerServiceClient controllerClient;
    private final CountDownLatch stop = new CountDownLatch(1);
    private Thread producerThread;
    /** Acknowledged bodies; written by the producer thread. */
    private final Set<String> acked = java.util.concurrent.ConcurrentHashMap.newKeySet();

    @AfterEach
    void stopAll() throws Exception {
        stop.countDown();
        if (producerThread != null) {
            producerThread.join(30_000);
        }
        for (int i = closeables.size() - 1; i >= 0; i--) {
            closeables.get(i).close();
        }
        if (controllerClient != null) {
            controllerClient.close();
        }
        if (cluster != null) {
            cluster.close();
        }
        for (JvmProcess p : controllers) {
            if (p != null) {
                p.close();
            }
        }
    }

    @Test
    void aMasterStoppedWithSigtermHandsOverToAnInSyncSlaveBeforeItExits() throws Exception {
        startControllers(new Cli(dir.resolve("logs")));
        controllerClient = new ControllerServiceClient(5_000);
        cluster = new Cluster("ItHandOver", dir.resolve("cluster"), ItLogs.forClass(getClass()));
        cluster.addNamesrv("namesrv-1", Map.of());
        Map<Integer, ServerNode> replicas = new HashMap<>();
        Map<Integer, Path> stores = new HashMap<>();
        for (int id = 1; id <= 2; id++) {
            String name = "replica-" + id;
            stores.put(id, dir.resolve("cluster").resolve(name));
            replicas.put(id, cluster.addBroker(name, Map.ofEntries(Map.entry("brokerName", GROUP),
                    Map.entry("brokerId", Integer.toString(id)),
                    Map.entry("haListenPort", Integer.toString(FreePorts.next())),
                    Map.entry("controllerAddresses", String.join(";", controllerAddresses)),
                    Map.entry("controllerHeartbeatIntervalMs", "300"), Map.entry("replicationMode", "SYNC"),
                    Map.entry("minInSyncReplicas", "1"), Map.entry("replicaLagMaxMs", "1000"),
                    Map.entry("replicaAckTimeoutMs", "2000"), Map.entry("registerIntervalMs", "1000"))));
        }
        cluster.startAll();
        GroupState first = await("a first master with both replicas in sync").atMost(WAIT).ignoreExceptions()
                .until(this::groupState, g -> g.hasMaster() && g.isr().size() == 2);
        AdminClient admin = AdminClient.connect(cluster.namesrvAddrs(), 10_000);
        closeables.add(admin);
        await("the master registers as master").atMost(WAIT).ignoreExceptions().until(() -> admin.brokers().stream()
                .anyMatch(b -> b.isMaster() && b.brokerName().equals(GROUP)));
        admin.createTopic(TopicConfig.of(TOPIC, 2), AdminTarget.cluster("ItHandOver"));
        admin.awaitRoute(TOPIC, 30_000);

        Producer producer = Producer.builder("it-handover-producer",
                TestClients.config(cluster.namesrvAddrs(), "producer", dir.resolve("offsets")).build()).build();
        closeables.add(producer);
        producer.start();
        producerThread = new Thread(() -> produce(producer), "it-handover-producer");
        producerThread.start();
        await("acknowledgements before the stop").atMost(WAIT).until(() -> acked.size() >= 200);

        int oldMaster = first.masterId();
        int other = 3 - oldMaster;
        replicas.get(oldMaster).stopGracefully(); // SIGTERM; returns once the process is gone
        long goneNanos = System.nanoTime();
        GroupState elected = groupState();
        assertThat(elected.masterId()).as("the slave is master once the old master exited").isEqualTo(other);
        assertThat(elected.masterEpoch()).isGreaterThan(first.masterEpoch());

        AcceptingWritesLog.Event start = AcceptingWritesLog.read(stores.get(other).resolve("ha")
                .resolve(AcceptingWritesLog.FILE_NAME)).stream()
                .filter(e -> e.start() && e.epoch() == elected.masterEpoch()).findFirst().orElseThrow();
        AcceptingWritesLog.Event oldStop = AcceptingWritesLog.read(stores.get(oldMaster).resolve("ha")
                .resolve(AcceptingWritesLog.FILE_NAME)).stream()
                .filter(e -> !e.start() && e.epoch() == first.masterEpoch()).findFirst().orElseThrow();
        System.out.printf("ControlledShutdownIT: the new master of epoch %d started accepting writes %d ms after the"
                        + " old master's process was seen gone, %d ms after the old master stopped accepting%n",
                elected.masterEpoch(), TimeUnit.NANOSECONDS.toMillis(start.monotonicNanos() - goneNanos),
                TimeUnit.NANOSECONDS.toMillis(start.monotonicNanos() - oldStop.monotonicNanos()));
        // the election happened while the old master still ran: it heard epoch elected.masterEpoch() as a slave
        // before it printed its stop (an election after the lease could only come once its heartbeats had stopped)
        List<String> lines = replicas.get(oldMaster).lines();
        int handed = indexOf(lines, "handed the master role to replica " + other);
        int slave = indexOf(lines, "is SLAVE in epoch " + elected.masterEpoch());
        int stopped = indexOf(lines, "TideMQ broker " + GROUP + " stopped.");
        assertThat(handed).as("the old master handed over (see %s)", replicas.get(oldMaster)).isNotNegative();
        assertThat(slave).as("the old master followed the new epoch before it stopped").isBetween(0, stopped);
        assertThat(handed).isLessThan(stopped);
        assertThat(oldStop.monotonicNanos()).as("the old master stopped accepting before the new one started")
                .isLessThanOrEqualTo(start.monotonicNanos());

        int before = acked.size();
        await("the producer goes on with the new master").atMost(WAIT).until(() -> acked.size() >= before + 100);
        stop.countDown();
        producerThread.join(30_000);
        assertThat(readAll(admin)).as("every acknowledged message is on the new master").containsAll(acked);
    }

    private static int indexOf(List<String> lines, String fragment) {
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).contains(fragment)) {
                return i;
            }
        }
        return -1;
    }

    private void produce(Producer producer) {
        int i = 0;
        while (stop.getCount() > 0) {
            String body = "handover-" + i++;
            try {
                SendResult r = producer.send(Message.builder(TOPIC).body(body.getBytes(StandardCharsets.UTF_8))
                        .build());
                if (r.status() == SendStatus.SEND_OK) {
                    acked.add(body);
                }
            } catch (RuntimeException e) {
                try {
                    stop.await(5, TimeUnit.MILLISECONDS); // a pause between failed sends, not a wait for a condition
                } catch (InterruptedException interrupted) {
                    return;
                }
            }
        }
    }

    private Set<String> readAll(AdminClient admin) {
        Set<String> bodies = new HashSet<>();
        for (int q = 0; q < 2; q++) {
            long offset = 0;
            while (true) {
                QueueMessages page = admin.queueMessages(TOPIC, GROUP, q, offset, 256);
                for (MessageExt m : page.messages()) {
                    bodies.add(new String(m.body(), StandardCharsets.UTF_8));
                }
                if (page.messages().isEmpty() || page.nextOffset() >= page.maxOffset()) {
                    break;
                }
                offset = page.nextOffset();
            }
        }
        return bodies;
    }

    private void startControllers(Cli cli) throws Exception {
        StringBuilder peers = new StringBuilder();
        for (int i = 0; i < 3; i++) {
            peers.append(i == 0 ? "" : ",").append("c").append(i).append("@127.0.0.1:").append(FreePorts.next());
        }
        for (int i = 0; i < 3; i++) {
            int port = FreePorts.next();
            controllerAddresses.add("127.0.0.1:" + port);
            Path config = dir.resolve("c" + i + ".properties");
            Files.writeString(config, String.join("\n", "controllerId=c" + i, "controllerPeers=" + peers,
                    "controllerListenPort=" + port, "bindAddress=127.0.0.1",
                    "controllerStorePath=" + dir.resolve("controller"), "masterLeaseMs=2000") + "\n");
            controllers[i] = cli.start("controller", "--config", config.toString());
        }
        for (int i = 0; i < 3; i++) {
            int peer = i;
            controllers[i].awaitLine(l -> l.startsWith("TideMQ controller ready: c" + peer), WAIT);
        }
    }

    /** The group's state from the controller peers that answer (the newest of their answers). */
    private GroupState groupState() {
        GroupState best = null;
        for (String addr : controllerAddresses) {
            try {
                GroupState g = controllerClient.state(addr).state().group(GROUP);
                if (g != null && (best == null || g.masterEpoch() > best.masterEpoch()
                        || g.masterEpoch() == best.masterEpoch() && g.isrEpoch() > best.isrEpoch())) {
                    best = g;
                }
            } catch (Exception e) {
                // a peer not answering: the others do
            }
        }
        if (best == null) {
            throw new IllegalStateException("no controller peer knows group " + GROUP + " yet");
        }
        return best;
    }
}
