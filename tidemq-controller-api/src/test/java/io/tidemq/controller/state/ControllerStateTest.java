package io.tidemq.controller.state;

import org.junit.jupiter.api.Test;

import java.util.TreeSet;
import java.util.List;

import static io.tidemq.controller.state.Replicas.register;
import static org.assertj.core.api.Assertions.assertThat;

class ControllerStateTest {
    private static final String G = "broker-a";

    private static ControllerState threeReplicasMasterZero() {
        ControllerState s = ControllerState.EMPTY;
        for (int id = 0; id < 3; id++) {
            s = s.apply(register(G, id, "store-" + id, 1)).state();
        }
        // nobody is in sync before the first election: the first master is chosen uncleanly by the leader
        s = s.apply(new Command.ElectMaster(G, 0, 0, true)).state();
        return s.apply(new Command.AlterIsr(G, 0, 1, s.group(G).isrEpoch(), new TreeSet<>(List.of(0, 1, 2)))).state();
    }

    @Test
    void registrationCreatesTheGroupWithoutMasterOrInSyncSet() {
        ControllerState.Transition t = ControllerState.EMPTY.apply(register(G, 1, "s1", 1));
        assertThat(t.reply().accepted()).isTrue();
        GroupState g = t.state().group(G);
        assertThat(g.hasMaster()).isFalse();
        assertThat(g.masterEpoch()).isZero();
        assertThat(g.isr()).isEmpty();
        assertThat(g.replicas()).containsOnlyKeys(1);
    }

    @Test
    void electionBumpsTheMasterEpochAndDropsTheOldMasterFromTheInSyncSet() {
        ControllerState s = threeReplicasMasterZero();
        assertThat(s.group(G).isr()).containsExactly(0, 1, 2);
        ControllerState.Transition t = s.apply(new Command.ElectMaster(G, 1, 2, false));
        assertThat(t.reply().accepted()).isTrue();
        GroupState g = t.state().group(G);
        assertThat(g.masterId()).isEqualTo(2);
        assertThat(g.masterEpoch()).isEqualTo(2);
        assertThat(g.isr()).containsExactly(1, 2);
        assertThat(g.isrEpoch()).isGreaterThan(s.group(G).isrEpoch());
    }

    @Test
    void electionBuiltFromAStaleEpochIsFencedAndChangesNothing() {
        ControllerState s = threeReplicasMasterZero().apply(new Command.ElectMaster(G, 1, 1, false)).state();
        ControllerState.Transition stale = s.apply(new Command.ElectMaster(G, 1, 2, false));
        assertThat(stale.reply().outcome()).isEqualTo(Outcome.FENCED_MASTER_EPOCH);
        assertThat(stale.state()).isSameAs(s);
        assertThat(stale.reply().group().masterId()).isEqualTo(1);
    }

    @Test
    void cleanElectionRefusesACandidateOutsideTheInSyncSetButAnUncleanOneTakesIt() {
        ControllerState s = threeReplicasMasterZero();
        s = s.apply(new Command.AlterIsr(G, 0, 1, s.group(G).isrEpoch(), new TreeSet<>(List.of(0, 1)))).state();
        assertThat(s.apply(new Command.ElectMaster(G, 1, 2, false)).reply().outcome())
                .isEqualTo(Outcome.CANDIDATE_NOT_IN_SYNC);
        ControllerState.Transition unclean = s.apply(new Command.ElectMaster(G, 1, 2, true));
        assertThat(unclean.reply().accepted()).isTrue();
        assertThat(unclean.state().group(G).isr()).containsExactly(2);
    }

    @Test
    void alterIsrIsOnlyForTheCurrentMasterInItsEpochAndTheExpectedSetEpoch() {
        ControllerState s = threeReplicasMasterZero();
        int isrEpoch = s.group(G).isrEpoch();
        TreeSet<Integer> shrunk = new TreeSet<>(List.of(0, 2));
        assertThat(s.apply(new Command.AlterIsr(G, 1, 1, isrEpoch, shrunk)).reply().outcome())
                .isEqualTo(Outcome.FENCED_MASTER_EPOCH);
        assertThat(s.apply(new Command.AlterIsr(G, 0, 0, isrEpoch, shrunk)).reply().outcome())
                .isEqualTo(Outcome.FENCED_MASTER_EPOCH);
        assertThat(s.apply(new Command.AlterIsr(G, 0, 1, isrEpoch - 1, shrunk)).reply().outcome())
                .isEqualTo(Outcome.FENCED_ISR_EPOCH);
        assertThat(s.apply(new Command.AlterIsr(G, 0, 1, isrEpoch, new TreeSet<>(List.of(1, 2)))).reply().outcome())
                .isEqualTo(Outcome.INVALID);
        assertThat(s.apply(new Command.AlterIsr(G, 0, 1, isrEpoch, new TreeSet<>(List.of(0, 7)))).reply().outcome())
                .isEqualTo(Outcome.UNKNOWN_REPLICA);
        ControllerState.Transition ok = s.apply(new Command.AlterIsr(G, 0, 1, isrEpoch, shrunk));
        assertThat(ok.reply().accepted()).isTrue();
        assertThat(ok.state().group(G).isr()).containsExactly(0, 2);
        assertThat(ok.state().group(G).isrEpoch()).isEqualTo(isrEpoch + 1);
    }

    @Test
    void restartedMasterStopsBeingMasterAndLeavesTheInSyncSet() {
        ControllerState s = threeReplicasMasterZero();
        GroupState g = s.apply(register(G, 0, "store-0", 2)).state().group(G);
        assertThat(g.hasMaster()).isFalse();
        assertThat(g.masterEpoch()).isEqualTo(1);
        assertThat(g.isr()).containsExactly(1, 2);
    }

    @Test
    void theLastInSyncReplicaStandingStaysInSyncAfterARestartButNotAfterAWipe() {
        ControllerState s = threeReplicasMasterZero();
        s = s.apply(new Command.AlterIsr(G, 0, 1, s.group(G).isrEpoch(), new TreeSet<>(List.of(0)))).state();
        assertThat(s.apply(register(G, 0, "store-0", 2)).state().group(G).isr()).containsExactly(0);
        assertThat(s.apply(register(G, 0, "wiped", 1)).state().group(G).isr()).isEmpty();
    }

    @Test
    void sameIncarnationAgainOnlyUpdatesAddressesAndAnOlderOneIsRefused() {
        ControllerState s = threeReplicasMasterZero();
        ReplicaInfo moved = new ReplicaInfo(1, "10.0.0.9:10911", "10.0.0.9:10912", "store-1", 1, 5);
        ControllerState.Transition again = s.apply(new Command.RegisterReplica(G, moved));
        assertThat(again.reply().accepted()).isTrue();
        assertThat(again.state().group(G).isr()).isEqualTo(s.group(G).isr());
        assertThat(again.state().group(G).isrEpoch()).isEqualTo(s.group(G).isrEpoch());
        assertThat(again.state().group(G).replicas().get(1)).isEqualTo(moved);

        ControllerState newer = s.apply(register(G, 1, "store-1", 3)).state();
        assertThat(newer.apply(register(G, 1, "store-1", 2)).reply().outcome())
                .isEqualTo(Outcome.STALE_REGISTRATION);
    }

    @Test
    void malformedCommandsAreRejectedWithoutThrowing() {
        ControllerState s = threeReplicasMasterZero();
        assertThat(s.apply(null).reply().outcome()).isEqualTo(Outcome.INVALID);
        assertThat(s.apply(register("", 0, "x", 1)).reply().outcome()).isEqualTo(Outcome.INVALID);
        assertThat(s.apply(register(G, -1, "x", 1)).reply().outcome()).isEqualTo(Outcome.INVALID);
        assertThat(s.apply(register(G, 3, "", 1)).reply().outcome()).isEqualTo(Outcome.INVALID);
        assertThat(s.apply(new Command.ElectMaster("nope", 0, 0, false)).reply().outcome())
                .isEqualTo(Outcome.UNKNOWN_GROUP);
        assertThat(s.apply(new Command.ElectMaster(G, 1, 9, true)).reply().outcome())
                .isEqualTo(Outcome.UNKNOWN_REPLICA);
    }
}
