package io.tidemq.broker.ha;

import org.junit.jupiter.api.Test;

import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;

/** When a fetch held at the master's log end is answered ({@link HaServer#answerNow}); clocks are given, not read. */
class HaServerHoldTest {

    private static HaServer.HeldFetch heldAt(long offset) {
        return new HaServer.HeldFetch(1, offset, 64 * 1024, 10_000, 5, new CompletableFuture<>());
    }

    @Test
    void newBytesTheDeadlineOrNewMetadataAnswerAtOnce() {
        assertThat(HaServer.answerNow(heldAt(100), 120, 0, 1_000, 5, 50, 50)).isTrue();
        assertThat(HaServer.answerNow(heldAt(100), 100, 10_000, 1_000, 5, 50, 50)).isTrue();
        assertThat(HaServer.answerNow(heldAt(100), 100, 0, 1_000, 6, 50, 50)).isTrue();
        assertThat(HaServer.answerNow(heldAt(100), 100, 0, 1_000, 5, 50, 50)).isFalse();
    }

    @Test
    void aCommitPointTheReplicaWasAlreadyToldIsNoNews() {
        // the answer to the fetch that moved the commit point to 100 carried it: the held fetch stays held
        HaServer.HeldFetch fetch = heldAt(100);
        for (long nowNs = 1_000; nowNs < 1_000 + 10 * HaServer.COMMIT_NEWS_DELAY_NS; nowNs += 100_000) {
            assertThat(HaServer.answerNow(fetch, 100, 0, nowNs, 5, 100, 100)).isFalse();
        }
    }

    @Test
    void aCommitPointTheReplicaWasNotToldIsAnsweredAloneOnlyIfNoBytesComeToCarryIt() {
        HaServer.HeldFetch fetch = heldAt(100);
        long seen = 1_000;
        assertThat(HaServer.answerNow(fetch, 100, 0, seen, 5, 100, 40)).as("first seen: wait for bytes").isFalse();
        assertThat(HaServer.answerNow(fetch, 100, 0, seen + HaServer.COMMIT_NEWS_DELAY_NS - 1, 5, 100, 40)).isFalse();
        assertThat(HaServer.answerNow(fetch, 100, 0, seen + HaServer.COMMIT_NEWS_DELAY_NS, 5, 100, 40)).isTrue();

        HaServer.HeldFetch carried = heldAt(100);
        assertThat(HaServer.answerNow(carried, 100, 0, seen, 5, 100, 40)).isFalse();
        assertThat(HaServer.answerNow(carried, 130, 0, seen + 1, 5, 100, 40)).as("bytes carry the news").isTrue();

        // told meanwhile (an acknowledgement's answer): the wait starts again for the next news
        HaServer.HeldFetch told = heldAt(100);
        assertThat(HaServer.answerNow(told, 100, 0, seen, 5, 100, 40)).isFalse();
        assertThat(HaServer.answerNow(told, 100, 0, seen + 1, 5, 100, 100)).isFalse();
        assertThat(HaServer.answerNow(told, 100, 0, seen + HaServer.COMMIT_NEWS_DELAY_NS, 5, 120, 100)).isFalse();
    }

    @Test
    void aHeldFetchOrCommitNewsWakesTheHoldThreadOnlyWhenItIsDueBeforeTheHoldThreadWakesAnyway() {
        long running = Long.MIN_VALUE;
        assertThat(HaServer.holdWakeNeeded(5_000, running)).as("mid-round it may have looked already").isTrue();
        assertThat(HaServer.holdWakeNeeded(5_000, 6_000)).isTrue();
        assertThat(HaServer.holdWakeNeeded(5_000, 5_000)).isFalse();
        assertThat(HaServer.holdWakeNeeded(5_000, 4_000)).isFalse();
        // nanoTime values compare by difference
        assertThat(HaServer.holdWakeNeeded(Long.MAX_VALUE + 10, Long.MAX_VALUE - 10)).isFalse();
        assertThat(HaServer.holdWakeNeeded(Long.MAX_VALUE - 10, Long.MAX_VALUE + 10)).isTrue();
    }

    @Test
    void lagAndSendDeadlinesAreCheckedEveryTenthOfTheShorterOfLagAndAckTimeout() {
        assertThat(HaServer.checkIntervalMs(10_000, 3_000)).isEqualTo(300);
        assertThat(HaServer.checkIntervalMs(500, 5_000)).isEqualTo(50);
        assertThat(HaServer.checkIntervalMs(100, 10)).isEqualTo(10);
    }

    @Test
    void theHoldThreadParksUntilTheNextLagCheckDeadlineOrCommitNewsInsteadOfPolling() {
        long none = Long.MAX_VALUE;
        // nothing held: until the next lag check (replicaLagMaxMs / 10), not a fixed 5 ms poll
        assertThat(HaServer.parkNanos(1_000, 2_000, none, none)).isEqualTo(1_000_000_000L);
        // a held fetch whose wait ends first
        assertThat(HaServer.parkNanos(1_000, 2_000, 1_030, none)).isEqualTo(30_000_000L);
        // a commit point waiting for bytes to carry it
        assertThat(HaServer.parkNanos(1_000, 2_000, 1_030, 1_500_000)).isEqualTo(1_500_000L);
        // overdue: at once (parkNanos of 0 or less would not park, but is never asked for)
        assertThat(HaServer.parkNanos(3_000, 2_000, none, none)).isEqualTo(1);
        assertThat(HaServer.parkNanos(0, none, none, none)).isEqualTo(Long.MAX_VALUE);
    }
}
