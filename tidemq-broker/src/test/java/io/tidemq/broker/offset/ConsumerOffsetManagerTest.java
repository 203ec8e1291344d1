package io.tidemq.broker.offset;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ConsumerOffsetManagerTest {

    @TempDir
    Path dir;

    private Path file() {
        return dir.resolve("config/consumerOffsets.json");
    }

    @Test
    void offsetsPastTheQueueEndsAfterATruncationAreClampedAndPersisted() {
        Map<String, Long> ends = new java.util.HashMap<>(Map.of("orders#0", 100L, "orders#1", 100L));
        ConsumerOffsetManager m = new ConsumerOffsetManager(file(), (topic, q) -> ends.get(topic + "#" + q));
        m.commit("billing", "orders", 0, 90);
        m.commit("billing", "orders", 1, 40);
        m.commit("audit", "orders", 0, 100);
        m.persist();

        ends.put("orders#0", 60L); // the replica's log was cut: queue 0 now ends at 60
        assertThat(m.clampToQueueEnds()).isEqualTo(2);

        assertThat(m.query("billing", "orders", 0)).isEqualTo(60);
        assertThat(m.query("audit", "orders", 0)).isEqualTo(60);
        assertThat(m.query("billing", "orders", 1)).as("within its queue: kept").isEqualTo(40);
        assertThat(m.clampedCommits()).isEqualTo(2);
        m.persist();
        ConsumerOffsetManager reloaded = new ConsumerOffsetManager(file());
        reloaded.load();
        assertThat(reloaded.query("billing", "orders", 0)).as("the clamp is written").isEqualTo(60);
    }

    @Test
    void replicatedOffsetsMergeByMaximumWithoutClampingAndMoveTheChangeCount() {
        ConsumerOffsetManager slave = new ConsumerOffsetManager(file(), (topic, q) -> 5L);
        slave.commit("billing", "orders", 0, 4);
        long before = slave.changeCount();

        slave.mergeReplicated("billing", "orders", 0, 9); // the master's, past this replica's queue end
        slave.mergeReplicated("billing", "orders", 1, 3);
        slave.mergeReplicated("billing", "orders", 1, 2); // older: ignored

        assertThat(slave.query("billing", "orders", 0)).isEqualTo(9);
        assertThat(slave.query("billing", "orders", 1)).isEqualTo(3);
        assertThat(slave.changeCount()).isGreaterThan(before);
        assertThat(slave.all()).containsOnlyKeys("billing");
        assertThat(slave.all().get("billing").get("orders")).containsEntry(0, 9L).containsEntry(1, 3L);
    }

    @Test
    void unknownOffsetsAreMinusOne() {
        ConsumerOffsetManager m = new ConsumerOffsetManager(file());
        m.commit("billing", "orders", 0, 5);

        assertThat(m.query("billing", "orders", 1)).isEqualTo(-1);
        assertThat(m.query("billing", "audit", 0)).isEqualTo(-1);
        assertThat(m.query("other", "orders", 0)).isEqualTo(-1);
        assertThat(m.query("billing", "orders", 0)).isEqualTo(5);
    }

    @Test
    void aStalePiggybackedOffsetNeverMovesAnExplicitCommitBack() {
        ConsumerOffsetManager m = new ConsumerOffsetManager(file());
        m.commit("billing", "orders", 0, 10);
        m.commitIfAdvancing("billing", "orders", 0, 7);
        assertThat(m.query("billing", "orders", 0)).isEqualTo(10);
        m.commitIfAdvancing("billing", "orders", 0, 12);
        assertThat(m.query("billing", "orders", 0)).isEqualTo(12);
        // an explicit commit (a seek back, say) still wins
        m.commit("billing", "orders", 0, 3);
        assertThat(m.query("billing", "orders", 0)).isEqualTo(3);
        m.commitIfAdvancing("billing", "orders", 1, 4);
        assertThat(m.query("billing", "orders", 1)).isEqualTo(4);
    }

    @Test
    void persistedOffsetsAreLoadedByTheNextInstance() {
        ConsumerOffsetManager m = new ConsumerOffsetManager(file());
        m.commit("billing", "orders", 0, 5);
        m.commit("billing", "orders", 300, 7);
        m.commit("audit", "orders", 1, 9);
        m.persist();

        ConsumerOffsetManager reloaded = new ConsumerOffsetManager(file());
        reloaded.load();

        assertThat(reloaded.query("billing", "orders", 0)).isEqualTo(5);
        assertThat(reloaded.query("billing", "orders", 300)).isEqualTo(7);
        assertThat(reloaded.query("audit", "orders", 1)).isEqualTo(9);
        assertThat(reloaded.groups()).containsExactly("audit", "billing");
        assertThat(Files.exists(dir.resolve("config/consumerOffsets.json.tmp"))).isFalse();
    }

    @Test
    void persistSkipsTheWriteWhenNothingChanged() throws Exception {
        ConsumerOffsetManager m = new ConsumerOffsetManager(file());
        m.commit("billing", "orders", 0, 5);
        m.persist();
        Files.delete(file());

        m.persist();

        assertThat(Files.exists(file())).isFalse();
    }

    @Test
    void removingATopicForgetsItsOffsetsInEveryGroup() {
        ConsumerOffsetManager m = new ConsumerOffsetManager(file());
        m.commit("billing", "orders", 0, 5);
        m.commit("billing", "audit", 0, 5);
        m.commit("audit", "orders", 0, 5);

        m.removeTopic("orders");

        assertThat(m.offsetsOf("billing")).isEqualTo(Map.of("audit", Map.of(0, 5L)));
        assertThat(m.groups()).containsExactly("billing");
    }

    @Test
    void negativeOffsetsAreRejected() {
        ConsumerOffsetManager m = new ConsumerOffsetManager(file());
        assertThatThrownBy(() -> m.commit("billing", "orders", 0, -2)).hasMessageContaining(">= 0");
    }
    /** messaging-audit #22: a first commit of a group racing a topic deletion must never be lost. */
    @Test
    void aFirstCommitRacingATopicDeletionIsNeverLost() throws Exception {
        for (int round = 0; round < 20; round++) {
            ConsumerOffsetManager m = new ConsumerOffsetManager(file());
            AtomicBoolean committing = new AtomicBoolean(true);
            CountDownLatch go = new CountDownLatch(1);
            Thread deleter = new Thread(() -> {
                try {
                    go.await();
                } catch (InterruptedException e) {
                    return;
                }
                while (committing.get()) {
                    m.removeTopic("deleted");
                }
            });
            deleter.start();
            go.countDown();
            int groups = 2_000;
            for (int g = 0; g < groups; g++) {
                m.commit("group-" + g, "orders", 0, g + 1);
            }
            committing.set(false);
            deleter.join();
            for (int g = 0; g < groups; g++) {
                assertThat(m.query("group-" + g, "orders", 0)).as("round %d group %d", round, g).isEqualTo(g + 1);
            }
        }
    }

    /** messaging-audit #4: an offset past the queue's end (e.g. the CommitLog tail lost in a crash) is clamped at load. */
    @Test
    void anOffsetPastTheQueueEndIsClampedToTheEndAtLoad() {
        ConsumerOffsetManager before = new ConsumerOffsetManager(file());
        before.commit("billing", "orders", 0, 1_000);
        before.commit("billing", "orders", 1, 40);
        before.persist();

        // recovery truncated queue 0 to 900 entries; queue 1 holds 50
        ConsumerOffsetManager after = new ConsumerOffsetManager(file(), (topic, queueId) -> queueId == 0 ? 900 : 50);
        after.load();

        assertThat(after.query("billing", "orders", 0)).isEqualTo(900);
        assertThat(after.query("billing", "orders", 1)).isEqualTo(40);
        assertThat(after.clampedCommits()).isEqualTo(1);
        // the clamped value is written back, so the next start does not depend on clamping again
        after.persist();
        ConsumerOffsetManager reloaded = new ConsumerOffsetManager(file());
        reloaded.load();
        assertThat(reloaded.query("billing", "orders", 0)).isEqualTo(900);
    }

    /** messaging-audit #4: a commit past the queue's end (a seek past the end, a bogus client) is clamped to the end. */
    @Test
    void aCommitPastTheQueueEndIsClampedToTheEnd() {
        ConsumerOffsetManager m = new ConsumerOffsetManager(file(), (topic, queueId) -> 100);

        assertThat(m.commit("billing", "orders", 0, 150)).isEqualTo(100);
        assertThat(m.query("billing", "orders", 0)).isEqualTo(100);
        assertThat(m.commit("billing", "orders", 0, 60)).isEqualTo(60);
        m.commitIfAdvancing("billing", "orders", 0, 500);
        assertThat(m.query("billing", "orders", 0)).isEqualTo(100);
        assertThat(m.clampedCommits()).isEqualTo(2);
    }

    @Test
    void commitsOnASlaveAreKeptUnclampedFlaggedForTheMasterAndSurviveARestart() {
        java.util.concurrent.atomic.AtomicBoolean isSlave = new java.util.concurrent.atomic.AtomicBoolean(true);
        ConsumerOffsetManager slave = new ConsumerOffsetManager(file(), (topic, q) -> 50L);
        slave.trackSlaveCommits(isSlave::get);
        slave.mergeReplicated("billing", "orders", 2, 30); // the master's own: never sent back
        slave.commitIfAdvancing("billing", "orders", 0, 70); // past this slave's end: the group got there on the master
        slave.commit("billing", "orders", 1, 20);

        assertThat(slave.query("billing", "orders", 0)).as("not clamped on a slave").isEqualTo(70);
        ConsumerOffsetManager.UnmergedOffsets pending = slave.unmergedOffsets();
        assertThat(pending.offsets()).isEqualTo(Map.of("billing", Map.of("orders", Map.of(0, 70L, 1, 20L))));

        slave.persist();
        ConsumerOffsetManager restarted = new ConsumerOffsetManager(file(), (topic, q) -> 100L);
        restarted.load();
        assertThat(restarted.unmergedOffsets().offsets()).as("the flags are persisted")
                .isEqualTo(pending.offsets());

        slave.commitIfAdvancing("billing", "orders", 1, 25); // after the snapshot the master takes: flagged again
        slave.mergedBack(pending);
        assertThat(slave.unmergedOffsets().offsets()).isEqualTo(Map.of("billing", Map.of("orders", Map.of(1, 25L))));

        isSlave.set(false); // a master's commits are clamped and not flagged
        assertThat(slave.commit("billing", "orders", 3, 80)).isEqualTo(50);
        assertThat(slave.unmergedCount()).isEqualTo(1);
        slave.forgetUnmerged(); // promoted: its offsets are the group's now
        assertThat(slave.unmergedOffsets().isEmpty()).isTrue();
        assertThat(slave.query("billing", "orders", 1)).as("the offsets stay").isEqualTo(25);
    }

    @Test
    void aMasterTakesASlavesOffsetsOnlyForwardAndClampedToItsQueues() {
        ConsumerOffsetManager master = new ConsumerOffsetManager(file(), (topic, q) -> 60L);
        master.commit("billing", "orders", 0, 40);
        master.commit("billing", "orders", 1, 55);

        int moved = master.mergeFromSlave(Map.of("billing", Map.of("orders", Map.of(0, 45L, 1, 50L, 2, 90L)),
                "audit", Map.of("orders", Map.of(0, 10L))));

        assertThat(moved).isEqualTo(3);
        assertThat(master.query("billing", "orders", 0)).isEqualTo(45);
        assertThat(master.query("billing", "orders", 1)).as("never moved back").isEqualTo(55);
        assertThat(master.query("billing", "orders", 2)).as("clamped to this master's queue end").isEqualTo(60);
        assertThat(master.query("audit", "orders", 0)).isEqualTo(10);
        assertThat(master.unmergedOffsets().isEmpty()).as("a master flags nothing").isTrue();
    }
}
