package io.tidemq.controller.election;

import io.tidemq.controller.state.Command;
import io.tidemq.controller.state.ControllerState;
import io.tidemq.controller.state.GroupState;
import io.tidemq.controller.state.ReplicaInfo;
import io.tidemq.controller.state.Reply;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The election rules on a hand-driven clock, against an in-memory state (no quorum). */
class ElectionScannerTest {
    private static final String G = "broker-a";
    private static final long LEASE = TimeUnit.SECONDS.toNanos(2);

    private long now = 1_000_000_000L;
    private final LivenessTable liveness = new LivenessTable();
    private final InMemoryProposer proposer = new InMemoryProposer();
    private ElectionScanner scanner;

    private static final class InMemoryProposer implements Proposer {
        ControllerState state = ControllerState.EMPTY;

        @Override
        public ControllerState state() {
            return state;
        }

        @Override
        public Reply propose(Command command) {
            ControllerState.Transition t = state.apply(command);
            state = t.state();
            return t.reply();
        }
    }

    @BeforeEach
    void setUp() {
        scanner = new ElectionScanner(proposer, liveness, LEASE, () -> now);
    }

    private void register(int id, long incarnation, int priority) {
        assertThat(proposer.propose(new Command.RegisterReplica(G, new ReplicaInfo(id, "127.0.0.1:" + (10911 + id),
                "127.0.0.1:" + (10912 + id), "store-" + id, incarnation, priority))).accepted()).isTrue();
    }

    private void heartbeat(int id, long incarnation, int lastEpoch, long maxOffset) {
        liveness.record(new Heartbeat(G, id, incarnation, lastEpoch, maxOffset, now));
    }

    private void advanceMs(long ms) {
        now += TimeUnit.MILLISECONDS.toNanos(ms);
    }

    private GroupState group() {
        return proposer.state().group(G);
    }

    /** Three replicas, 0 master in epoch 1 with all three in sync, every one heard just now. */
    private void threeInSyncMasterZero() {
        for (int id = 0; id < 3; id++) {
            register(id, 1, 0);
        }
        proposer.propose(new Command.ElectMaster(G, 0, 0, true));
        proposer.propose(new Command.AlterIsr(G, 0, 1, group().isrEpoch(), new TreeSet<>(List.of(0, 1, 2))));
        scanner.onLeader();
        for (int id = 0; id < 3; id++) {
            heartbeat(id, 1, 1, 1000);
        }
    }

    @Test
    void aNewLeaderElectsNobodyForOneLeaseThenBootstrapsTheLongestLog() {
        for (int id = 0; id < 3; id++) {
            register(id, 1, 0);
        }
        scanner.onLeader();
        heartbeat(0, 1, 3, 500);
        heartbeat(1, 1, 4, 100);
        heartbeat(2, 1, 4, 90);
        assertThat(scanner.scan()).isEmpty();
        advanceMs(1000);
        heartbeat(0, 1, 3, 500);
        heartbeat(1, 1, 4, 100);
        heartbeat(2, 1, 4, 90);
        assertThat(scanner.scan()).as("still within the new leader's first lease").isEmpty();
        advanceMs(1000);
        assertThat(scanner.scan()).as("first sight of the new group: wait one lease for its replicas").isEmpty();
        advanceMs(1000);
        heartbeat(0, 1, 3, 500);
        heartbeat(1, 1, 4, 100);
        heartbeat(2, 1, 4, 90);
        advanceMs(1000);
        assertThat(scanner.scan()).containsExactly(new Command.ElectMaster(G, 0, 1, true));
        assertThat(group().masterId()).isEqualTo(1);
        assertThat(group().isr()).containsExactly(1);
    }

    @Test
    void aMasterWithinItsLeaseIsKeptEvenWhenItsConnectionClosed() {
        threeInSyncMasterZero();
        advanceMs(2000);
        heartbeat(1, 1, 1, 1000);
        heartbeat(2, 1, 1, 1000);
        advanceMs(100);
        // the master's last heartbeat is 2.1 s old: within lease + 10 % margin, no election
        assertThat(scanner.scan()).isEmpty();
        assertThat(group().masterId()).isZero();
    }

    @Test
    void aLapsedMasterLeaseElectsTheAliveInSyncReplicaWithTheLongestLogThenPriority() {
        threeInSyncMasterZero();
        advanceMs(1500);
        heartbeat(1, 1, 1, 2000);
        heartbeat(2, 1, 1, 2000);
        advanceMs(800);
        assertThat(scanner.scan()).hasSize(1);
        assertThat(group().masterEpoch()).isEqualTo(2);
        assertThat(group().masterId()).as("equal logs, equal priority: lowest id").isEqualTo(1);

        // the same failure again, now with a priority difference and then a log difference
        scanner = new ElectionScanner(proposer, liveness, LEASE, () -> now);
        register(0, 2, 0);
        register(2, 1, 5);
        proposer.propose(new Command.AlterIsr(G, 1, 2, group().isrEpoch(), new TreeSet<>(List.of(0, 1, 2))));
        scanner.onLeader();
        heartbeat(0, 2, 2, 3000);
        heartbeat(2, 1, 2, 3000);
        advanceMs(2300);
        heartbeat(0, 2, 2, 3000);
        heartbeat(2, 1, 2, 3000);
        assertThat(scanner.scan()).containsExactly(new Command.ElectMaster(G, 2, 2, false));

        scanner = new ElectionScanner(proposer, liveness, LEASE, () -> now);
        proposer.propose(new Command.AlterIsr(G, 2, 3, group().isrEpoch(), new TreeSet<>(List.of(0, 1, 2))));
        scanner.onLeader();
        heartbeat(0, 2, 3, 3001);
        heartbeat(1, 1, 3, 3000);
        advanceMs(2300);
        heartbeat(0, 2, 3, 3001);
        heartbeat(1, 1, 3, 3000);
        assertThat(scanner.scan()).as("longest log before priority").containsExactly(new Command.ElectMaster(G, 3, 0, false));
    }

    @Test
    void noInSyncReplicaAliveMeansNoElectionUntilAnOperatorForcesAnUncleanOne() throws Exception {
        threeInSyncMasterZero();
        proposer.propose(new Command.AlterIsr(G, 0, 1, group().isrEpoch(), new TreeSet<>(List.of(0, 1))));
        advanceMs(1500);
        heartbeat(2, 1, 1, 900); // only the out-of-sync replica is alive
        advanceMs(800);
        assertThat(scanner.scan()).isEmpty();
        assertThat(group().masterId()).isZero();
        assertThatThrownBy(() -> scanner.forceElect(G, -1, false)).hasMessageContaining("--unclean");

        Reply forced = scanner.forceElect(G, -1, true);
        assertThat(forced.accepted()).isTrue();
        assertThat(group().masterId()).isEqualTo(2);
        assertThat(group().isr()).containsExactly(2);
    }

    @Test
    void heartbeatsOfAnOldIncarnationDoNotKeepAReplicaAlive() {
        threeInSyncMasterZero();
        register(1, 2, 0); // replica 1 restarted: it leaves the set and must heartbeat as incarnation 2
        advanceMs(1500);
        heartbeat(1, 1, 1, 5000); // a late heartbeat of the old process
        heartbeat(2, 1, 1, 1000);
        advanceMs(800);
        assertThat(scanner.scan()).containsExactly(new Command.ElectMaster(G, 1, 2, false));
    }

    @Test
    void aRestartedMasterIsReplacedWithoutWaitingForItsLease() {
        threeInSyncMasterZero();
        advanceMs(2000);
        heartbeat(1, 1, 1, 1000);
        heartbeat(2, 1, 1, 1000);
        register(0, 2, 0); // the master came back as a new process: proven restarted
        assertThat(scanner.scan()).containsExactly(new Command.ElectMaster(G, 1, 1, false));
        assertThat(group().isr()).containsExactly(1, 2);
    }

    @Test
    void aPeerThatDoesNotLeadElectsNobody() {
        threeInSyncMasterZero();
        scanner.onNotLeader();
        advanceMs(10_000);
        heartbeat(1, 1, 1, 1000);
        assertThat(scanner.scan()).isEmpty();
    }
}
