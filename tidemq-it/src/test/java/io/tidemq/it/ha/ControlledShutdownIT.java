package io.tidemq.it.ha;

import io.tidemq.broker.ha.AcceptingWritesLog;
import io.tidemq.client.producer.Producer;
import io.tidemq.client.producer.SendResult;
import io.tidemq.client.producer.SendStatus;
import io.tidemq.common.message.Message;
import io.tidemq.controller.state.GroupState;
import io.tidemq.it.support.ControlledGroup;
import io.tidemq.it.support.TestClients;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
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
    private ControlledGroup group;
    private final List<AutoCloseable> closeables = new ArrayList<>();
    private final CountDownLatch stop = new CountDownLatch(1);
    private Thread producerThread;
    /** Acknowledged bodies; written by the producer thread. */
    private final Set<String> acked = ConcurrentHashMap.newKeySet();

    @AfterEach
    void stopAll() throws Exception {
        stop.countDown();
        if (producerThread != null) {
            producerThread.join(30_000);
        }
        for (int i = closeables.size() - 1; i >= 0; i--) {
            closeables.get(i).close();
        }
        if (group != null) {
            group.close();
        }
    }

    @Test
    void aMasterStoppedWithSigtermHandsOverToAnInSyncSlaveBeforeItExits() throws Exception {
        group = new ControlledGroup(getClass(), dir, "ItHandOver", GROUP, 2_000, WAIT).startStandaloneControllers();
        for (int id = 1; id <= 2; id++) {
            group.addReplica(id, Map.of());
        }
        group.startReplicas();
        GroupState first = group.awaitMasterWithInSync("a first master with both replicas in sync", 2);
        group.createTopic(TOPIC, 2, "ItHandOver");

        Producer producer = Producer.builder("it-handover-producer",
                TestClients.config(group.namesrvAddrs(), "producer", dir.resolve("offsets")).build()).build();
        closeables.add(producer);
        producer.start();
        producerThread = new Thread(() -> produce(producer), "it-handover-producer");
        producerThread.start();
        await("acknowledgements before the stop").atMost(WAIT).until(() -> acked.size() >= 200);

        int oldMaster = first.masterId();
        int other = 3 - oldMaster;
        group.replica(oldMaster).stopGracefully(); // SIGTERM; returns once the process is gone
        long goneNanos = System.nanoTime();
        GroupState elected = group.state();
        assertThat(elected.masterId()).as("the slave is master once the old master exited").isEqualTo(other);
        assertThat(elected.masterEpoch()).isGreaterThan(first.masterEpoch());

        // the controller elected the slave before the old master exited; the slave may hear it a moment later
        AcceptingWritesLog.Event start = await("the new master starts accepting writes").atMost(WAIT).until(() ->
                group.acceptingWrites(other).stream().filter(e -> e.start() && e.epoch() == elected.masterEpoch())
                        .findFirst().orElse(null), e -> e != null);
        AcceptingWritesLog.Event oldStop = group.acceptingWrites(oldMaster).stream()
                .filter(e -> !e.start() && e.epoch() == first.masterEpoch()).findFirst().orElseThrow();
        System.out.printf("ControlledShutdownIT: the new master of epoch %d started accepting writes %d ms after the"
                        + " old master's process was seen gone, %d ms after the old master stopped accepting%n",
                elected.masterEpoch(), TimeUnit.NANOSECONDS.toMillis(start.monotonicNanos() - goneNanos),
                TimeUnit.NANOSECONDS.toMillis(start.monotonicNanos() - oldStop.monotonicNanos()));
        // the election happened while the old master still ran: it heard epoch elected.masterEpoch() as a slave
        // before it printed its stop (an election after the lease could only come once its heartbeats had stopped)
        List<String> lines = group.replica(oldMaster).lines();
        int handed = indexOf(lines, "handed the master role to replica " + other);
        int slave = indexOf(lines, "is SLAVE in epoch " + elected.masterEpoch());
        int stopped = indexOf(lines, "TideMQ broker " + GROUP + " stopped.");
        assertThat(handed).as("the old master handed over (see %s)", group.replica(oldMaster)).isNotNegative();
        assertThat(slave).as("the old master followed the new epoch before it stopped").isBetween(0, stopped);
        assertThat(handed).isLessThan(stopped);
        assertThat(oldStop.monotonicNanos()).as("the old master stopped accepting before the new one started")
                .isLessThanOrEqualTo(start.monotonicNanos());
        group.auditAcceptingWrites(2);

        int before = acked.size();
        await("the producer goes on with the new master").atMost(WAIT).until(() -> acked.size() >= before + 100);
        stop.countDown();
        producerThread.join(30_000);
        // an acknowledgement can come before the master's dispatcher indexed the record the queues are read through
        await("every acknowledged message is on the new master").atMost(WAIT).untilAsserted(() ->
                assertThat(group.readBodies(TOPIC, 2)).containsAll(acked));
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
}
