package io.tidemq.common.timer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Deterministic tests: a manual clock and no driver thread; tasks run on the calling thread. */
class TimingWheelTimerTest {

    private static final long START_MS = 1_000_000;

    private final ManualClock clock = new ManualClock(START_MS);

    private TimingWheelTimer timer(long tickMs, int wheelSize) {
        TimerConfig config = TimerConfig.defaults("test").withTickMs(tickMs).withWheelSize(wheelSize).withClockMs(clock);
        return new TimingWheelTimer(config, Runnable::run, false);
    }

    @Test
    void withOneMsTicksEveryTaskFiresExactlyAtItsDeadlineAcrossLevels() {
        try (TimingWheelTimer timer = timer(1, 8)) {
            long[] delaysMs = {1, 2, 7, 8, 9, 63, 64, 65, 511, 512, 513, 4095, 4096, 4097, 33_333, 100_000};
            Map<Long, Long> firedAtByDeadline = new ConcurrentHashMap<>();
            for (long delayMs : delaysMs) {
                long deadline = START_MS + delayMs;
                timer.schedule(() -> firedAtByDeadline.put(deadline, clock.getAsLong()), delayMs);
            }
            assertThat(timer.levelCount()).isGreaterThanOrEqualTo(6);

            for (long t = START_MS; t <= START_MS + 100_000; t++) {
                clock.advanceTo(t, timer);
            }

            assertThat(firedAtByDeadline).hasSize(delaysMs.length);
            firedAtByDeadline.forEach((deadline, firedAt) -> assertThat(firedAt).isEqualTo(deadline));
            assertThat(timer.size()).isZero();
        }
    }

    @Test
    void withCoarseTicksTasksFireNeverEarlyAndLessThanOneTickLate() {
        long tickMs = 10;
        try (TimingWheelTimer timer = timer(tickMs, 4)) {
            Random random = new Random(42);
            Map<Long, Long> lateness = new ConcurrentHashMap<>();
            AtomicInteger early = new AtomicInteger();
            for (int i = 0; i < 500; i++) {
                long deadline = START_MS + 1 + random.nextInt(50_000);
                timer.scheduleAt(() -> {
                    long late = clock.getAsLong() - deadline;
                    if (late < 0) {
                        early.incrementAndGet();
                    }
                    lateness.merge(deadline, late, Math::max);
                }, deadline);
            }

            for (long t = START_MS; t <= START_MS + 50_010; t++) {
                clock.advanceTo(t, timer);
            }

            assertThat(early).hasValue(0);
            assertThat(lateness.values()).allSatisfy(late -> assertThat(late).isBetween(0L, tickMs - 1));
            assertThat(timer.size()).isZero();
        }
    }

    @Test
    void aTaskDueAfterManyRotationsSurvivesClockJumpsAndFiresOnlyAtItsDeadline() {
        try (TimingWheelTimer timer = timer(1, 4)) {
            long delayMs = 3_600_000 + 123;
            AtomicInteger runs = new AtomicInteger();
            TimerHandle handle = timer.schedule(runs::incrementAndGet, delayMs);
            Random random = new Random(7);

            long t = START_MS;
            while (t < START_MS + delayMs - 1) {
                t = Math.min(t + 1 + random.nextInt(200_000), START_MS + delayMs - 1);
                clock.advanceTo(t, timer);
                assertThat(runs).as("fired early at %d", t).hasValue(0);
            }
            clock.advanceTo(START_MS + delayMs, timer);

            assertThat(runs).hasValue(1);
            assertThat(handle.isExpired()).isTrue();
        }
    }

    @Test
    void anIdleTimerWhoseClockWentFarAheadStillFiresNewTasksOnTime() {
        try (TimingWheelTimer timer = timer(1, 8)) {
            clock.advanceTo(START_MS + 10_000_000, timer); // nothing due: the wheel's own time stays behind
            long now = clock.getAsLong();
            List<Long> firedAt = new ArrayList<>();
            timer.schedule(() -> firedAt.add(clock.getAsLong()), 100);

            for (long t = now; t <= now + 200; t++) {
                clock.advanceTo(t, timer);
            }

            assertThat(firedAt).containsExactly(now + 100);
        }
    }

    @Test
    void aCancelledTaskNeverRunsAndOnlyTheFirstCancelSucceeds() {
        try (TimingWheelTimer timer = timer(1, 8)) {
            AtomicInteger runs = new AtomicInteger();
            TimerHandle cancelled = timer.schedule(runs::incrementAndGet, 1_000);
            TimerHandle kept = timer.schedule(runs::incrementAndGet, 1_000);
            assertThat(timer.size()).isEqualTo(2);

            assertThat(cancelled.cancel()).isTrue();
            assertThat(cancelled.cancel()).isFalse();
            assertThat(timer.size()).isEqualTo(1);

            clock.advanceTo(START_MS + 500, timer); // cascaded to a finer level meanwhile
            clock.advanceTo(START_MS + 1_000, timer);

            assertThat(runs).hasValue(1);
            assertThat(cancelled.isCancelled()).isTrue();
            assertThat(cancelled.isExpired()).isFalse();
            assertThat(kept.isExpired()).isTrue();
            assertThat(kept.cancel()).isFalse();
            assertThat(timer.size()).isZero();
        }
    }

    @Test
    void cancellingAfterACascadeStillUnlinksTheTask() {
        try (TimingWheelTimer timer = timer(1, 4)) {
            AtomicInteger runs = new AtomicInteger();
            TimerHandle handle = timer.schedule(runs::incrementAndGet, 100);
            clock.advanceTo(START_MS + 64, timer); // the level-2 bucket expired; the task moved down

            assertThat(handle.cancel()).isTrue();
            clock.advanceTo(START_MS + 1_000, timer);

            assertThat(runs).hasValue(0);
            assertThat(timer.size()).isZero();
        }
    }

    @Test
    void aZeroDelayOrAPastDeadlineRunsImmediately() {
        try (TimingWheelTimer timer = timer(1, 8)) {
            AtomicInteger runs = new AtomicInteger();
            TimerHandle now = timer.schedule(runs::incrementAndGet, 0);
            TimerHandle past = timer.scheduleAt(runs::incrementAndGet, START_MS - 5_000);

            assertThat(runs).hasValue(2);
            assertThat(now.isExpired()).isTrue();
            assertThat(past.isExpired()).isTrue();
            assertThat(timer.size()).isZero();
        }
    }

    @Test
    void aFailingTaskDoesNotStopLaterTasks() {
        try (TimingWheelTimer timer = timer(1, 8)) {
            AtomicInteger runs = new AtomicInteger();
            timer.schedule(() -> {
                throw new IllegalStateException("task failure for the test");
            }, 5);
            timer.schedule(runs::incrementAndGet, 6);

            clock.advanceTo(START_MS + 10, timer);

            assertThat(runs).hasValue(1);
        }
    }

    @Test
    void closeCancelsPendingTasksAndRejectsNewOnes() {
        TimingWheelTimer timer = timer(1, 8);
        TimerHandle pending = timer.schedule(() -> { }, 10_000);

        timer.close();

        assertThat(pending.isCancelled()).isTrue();
        assertThat(timer.size()).isZero();
        assertThatThrownBy(() -> timer.schedule(() -> { }, 1))
                .isInstanceOf(TimerClosedException.class)
                .hasMessageContaining("test");
        timer.close();
    }

    @Test
    void rejectsDelaysOutsideTheConfiguredRange() {
        try (TimingWheelTimer timer = new TimingWheelTimer(
                TimerConfig.defaults("test").withMaxDelayMs(60_000).withClockMs(clock), Runnable::run, false)) {
            assertThatThrownBy(() -> timer.schedule(() -> { }, -1)).hasMessageContaining("delayMs");
            assertThatThrownBy(() -> timer.schedule(() -> { }, 60_001)).hasMessageContaining("maxDelayMs");
            assertThatThrownBy(() -> timer.scheduleAt(() -> { }, START_MS + 60_001)).hasMessageContaining("maxDelayMs");
            assertThat(timer.size()).isZero();
        }
    }

    @Test
    void configRejectsOutOfRangeValuesNamingTheKey() {
        TimerConfig base = TimerConfig.defaults("ok");
        assertThatThrownBy(() -> base.withTickMs(0)).hasMessageContaining("tickMs must be in [1, 60000]");
        assertThatThrownBy(() -> base.withWheelSize(1)).hasMessageContaining("wheelSize must be in [2, 65536]");
        assertThatThrownBy(() -> base.withMaxDelayMs(0)).hasMessageContaining("maxDelayMs");
        assertThatThrownBy(() -> TimerConfig.defaults("bad name")).hasMessageContaining("timer name");
    }
}
