package io.tidemq.store.ha;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link ConsistentPoint#find} against a brute-force oracle over random histories: three simulated replicas go
 * through elections (any replica, unclean ones included), appends by the master, followers syncing (truncating
 * to the true common prefix, then copying part of the master's log with its epoch entries) and crashes that cut a
 * torn tail (a crashed master loses its role, as a restarted TideMQ master takes a new epoch). Every log unit
 * carries a globally unique id, so the oracle is the longest common prefix of two logs' ids. After every step
 * the rule must give exactly that prefix for every ordered pair of replicas. Seeded: a failure prints its seed.
 */
class ConsistentPointPropertyTest {

    private static final int REPLICAS = 3;

    /** One simulated replica: its log (unit ids) and epoch lineage, maintained by the EpochFile rules. */
    private static final class Replica {
        final List<Long> log = new ArrayList<>();
        final List<EpochEntry> lineage = new ArrayList<>();

        void truncate(int end) {
            log.subList(end, log.size()).clear();
            while (!lineage.isEmpty() && lineage.get(lineage.size() - 1).startOffset() >= end) {
                lineage.remove(lineage.size() - 1);
            }
        }

        int lastEpoch() {
            return lineage.isEmpty() ? -1 : lineage.get(lineage.size() - 1).epoch();
        }

        EpochEntry entryCovering(long offset) {
            EpochEntry found = null;
            for (EpochEntry entry : lineage) {
                if (entry.startOffset() <= offset) {
                    found = entry;
                }
            }
            return found;
        }
    }

    @Test
    void theRuleFindsTheLongestCommonPrefixInEveryRandomHistory() {
        long baseSeed = System.nanoTime();
        for (int round = 0; round < 400; round++) {
            long seed = baseSeed + round;
            runHistory(seed, 120);
        }
    }

    @Test
    void theWorkedExampleOfTheDesign() {
        // old master A: [(1,0)] end 1000; B elected at 900: [(1,0),(2,900)] end 1200
        long point = ConsistentPoint.find(List.of(new EpochEntry(1, 0)), 1000,
                List.of(new EpochEntry(1, 0), new EpochEntry(2, 900)), 1200);
        assertThat(point).isEqualTo(900);
        assertThat(ConsistentPoint.find(List.of(), 0, List.of(new EpochEntry(1, 0)), 50)).isZero();
        assertThat(ConsistentPoint.find(List.of(new EpochEntry(5, 0)), 70, List.of(new EpochEntry(1, 0)), 50))
                .isZero();
    }

    private static void runHistory(long seed, int steps) {
        Random random = new Random(seed);
        Replica[] replicas = new Replica[REPLICAS];
        for (int i = 0; i < REPLICAS; i++) {
            replicas[i] = new Replica();
        }
        int leader = -1;
        int epoch = 0;
        long nextId = 1;
        for (int step = 0; step < steps; step++) {
            int dice = random.nextInt(10);
            if (leader < 0 || dice == 0) {
                leader = random.nextInt(REPLICAS);
                epoch += 1 + random.nextInt(2);
            } else if (dice <= 3) {
                Replica master = replicas[leader];
                int units = 1 + random.nextInt(5);
                if (master.lastEpoch() != epoch) {
                    master.lineage.add(new EpochEntry(epoch, master.log.size()));
                }
                for (int i = 0; i < units; i++) {
                    master.log.add(nextId++);
                }
            } else if (dice <= 7) {
                int follower = random.nextInt(REPLICAS);
                if (follower != leader) {
                    sync(replicas[follower], replicas[leader], random);
                }
            } else {
                int victim = random.nextInt(REPLICAS);
                Replica crashed = replicas[victim];
                crashed.truncate(crashed.log.size() - random.nextInt(Math.min(4, crashed.log.size()) + 1));
                if (victim == leader) {
                    leader = -1;
                }
            }
            for (int a = 0; a < REPLICAS; a++) {
                for (int b = 0; b < REPLICAS; b++) {
                    Replica x = replicas[a];
                    Replica y = replicas[b];
                    long rule = ConsistentPoint.find(x.lineage, x.log.size(), y.lineage, y.log.size());
                    assertThat(rule).as("seed %d step %d replicas %d vs %d: %s %s vs %s %s", seed, step, a, b,
                            x.lineage, x.log, y.lineage, y.log).isEqualTo(commonPrefix(x.log, y.log));
                }
            }
        }
    }

    /** The follower truncates to the true common point, then copies a random part of the rest. */
    private static void sync(Replica follower, Replica master, Random random) {
        int point = commonPrefix(follower.log, master.log);
        follower.truncate(point);
        int copyTo = point + random.nextInt(master.log.size() - point + 1);
        for (int offset = point; offset < copyTo; offset++) {
            EpochEntry batchEpoch = master.entryCovering(offset);
            if (follower.lastEpoch() != batchEpoch.epoch()) {
                follower.lineage.add(batchEpoch);
            }
            follower.log.add(master.log.get(offset));
        }
    }

    private static int commonPrefix(List<Long> a, List<Long> b) {
        int n = Math.min(a.size(), b.size());
        int i = 0;
        while (i < n && a.get(i).equals(b.get(i))) {
            i++;
        }
        return i;
    }
}
