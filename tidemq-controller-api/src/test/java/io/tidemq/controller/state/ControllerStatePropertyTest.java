package io.tidemq.controller.state;

import io.tidemq.controller.codec.ControllerCodec;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Random command histories (fresh and stale epochs, restarts, wipes, clean and unclean elections) against the
 * invariants the failover relies on. Seeds are fixed, so a failure reproduces; the failing seed is in the message.
 */
class ControllerStatePropertyTest {
    private static final String[] GROUPS = {"broker-a", "broker-b"};
    private static final int SEEDS = 120;
    private static final int STEPS = 200;

    @Test
    void randomHistoriesKeepTheInvariants() throws Exception {
        int acceptedElections = 0;
        for (int seed = 0; seed < SEEDS; seed++) {
            acceptedElections += runHistory(seed);
        }
        assertThat(acceptedElections).as("the generator reaches elections").isGreaterThan(SEEDS * 10);
    }

    /** Returns how many elections it applied. */
    private static int runHistory(long seed) throws Exception {
        int elections = 0;
        Random random = new Random(seed);
        ControllerState state = ControllerState.EMPTY;
        ControllerState replayed = ControllerState.EMPTY; // a second peer applying the encoded log
        Map<String, Map<Integer, Integer>> masterOfEpoch = new HashMap<>();
        Map<String, Map<Integer, Long>> incarnations = new HashMap<>();
        for (int step = 0; step < STEPS; step++) {
            Command command = randomCommand(random, state, incarnations);
            ControllerState.Transition t = state.apply(command);
            final int at = step;
            final ControllerState.Transition applied = t;
            java.util.function.Supplier<String> where = () -> "seed " + seed + " step " + at + " " + command
                    + " -> " + applied.reply();

            ControllerState.Transition other = replayed.apply(
                    ControllerCodec.decodeCommand(ControllerCodec.encodeCommand(command)));
            assertThat(other.state()).as(() -> "replica determinism, " + where.get()).isEqualTo(t.state());
            assertThat(other.reply()).as(where).isEqualTo(t.reply());

            GroupState before = state.group(command.group());
            GroupState after = t.state().group(command.group());
            if (!t.reply().accepted()) {
                assertThat(t.state()).as(() -> "a rejection changes nothing, " + where.get()).isSameAs(state);
            } else {
                checkGroup(after, where);
                if (before != null) {
                    assertThat(after.masterEpoch()).as(where).isGreaterThanOrEqualTo(before.masterEpoch());
                    assertThat(after.isrEpoch()).as(where).isGreaterThanOrEqualTo(before.isrEpoch());
                    if (!after.isr().equals(before.isr())) {
                        assertThat(after.isrEpoch()).as(() -> "a set change bumps its epoch, " + where.get())
                                .isGreaterThan(before.isrEpoch());
                    }
                }
                if (command instanceof Command.ElectMaster e) {
                    elections++;
                    assertThat(after.masterEpoch()).as(where).isEqualTo(e.expectedMasterEpoch() + 1);
                    assertThat(after.masterId()).as(where).isEqualTo(e.candidateId());
                    if (!e.unclean()) {
                        assertThat(before.isr()).as(() -> "a clean election picks from the set, " + where.get())
                                .contains(e.candidateId());
                    }
                }
                if (after.hasMaster()) {
                    Integer earlier = masterOfEpoch.computeIfAbsent(after.group(), k -> new HashMap<>())
                            .putIfAbsent(after.masterEpoch(), after.masterId());
                    assertThat(earlier == null || earlier == after.masterId())
                            .as(() -> "one master per epoch, " + where.get()).isTrue();
                }
            }
            state = t.state();
            replayed = other.state();
            if (step % 50 == 0) {
                assertThat(ControllerCodec.decodeSnapshot(ControllerCodec.encodeSnapshot(state)))
                        .as("snapshot round trip, seed " + seed).isEqualTo(state);
            }
        }
        return elections;
    }

    private static void checkGroup(GroupState g, java.util.function.Supplier<String> where) {
        assertThat(g.replicas().keySet()).as(where).containsAll(g.isr());
        if (g.hasMaster()) {
            assertThat(g.isr()).as(() -> "the master is in its in-sync set, " + where.get()).contains(g.masterId());
        }
    }

    private static Command randomCommand(Random random, ControllerState state,
                                         Map<String, Map<Integer, Long>> incarnations) {
        String group = GROUPS[random.nextInt(GROUPS.length)];
        GroupState g = state.group(group);
        int id = random.nextInt(4);
        int kind = random.nextInt(10);
        if (g == null || kind < 3) {
            Map<Integer, Long> inc = incarnations.computeIfAbsent(group, k -> new HashMap<>());
            long incarnation = inc.getOrDefault(id, 1L);
            int change = random.nextInt(4);
            if (change == 0) {
                incarnation++; // a restart
            } else if (change == 1 && incarnation > 1) {
                incarnation--; // a delayed old registration
            }
            inc.merge(id, incarnation, Math::max);
            String store = random.nextInt(20) == 0 ? "wiped-" + random.nextInt(1000) : "store-" + id;
            return new Command.RegisterReplica(group, new ReplicaInfo(id, "h:" + id, "h:ha" + id, store,
                    incarnation, random.nextInt(3)));
        }
        int epochNoise = random.nextInt(5) == 0 ? random.nextInt(3) - 1 : 0;
        if (kind < 6) {
            return new Command.ElectMaster(group, g.masterEpoch() + epochNoise, id, random.nextInt(4) == 0);
        }
        TreeSet<Integer> isr = new TreeSet<>();
        for (int r = 0; r < 4; r++) {
            if (random.nextBoolean()) {
                isr.add(r);
            }
        }
        int master = random.nextInt(4) == 0 ? id : g.masterId();
        if (random.nextInt(5) != 0 && master >= 0) {
            isr.add(master);
        }
        int isrNoise = random.nextInt(5) == 0 ? random.nextInt(3) - 1 : 0;
        return new Command.AlterIsr(group, master, g.masterEpoch() + epochNoise, g.isrEpoch() + isrNoise, isr);
    }
}
