package io.tidemq.common.timer;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class TimingWheelTimerMillionTasksTest {

    private static final int TASKS = 1_000_000;
    private static final long START_MS = 5_000_000;
    private static final long HORIZON_MS = 600_000;

    /**
     * One shared Runnable, so the heap growth is the timer's own cost per task. A TimerEntry is 48 bytes with
     * compressed oops; the bound leaves room for GC measurement noise and for 64-bit oops.
     */
    @Test
    void aMillionTasksCostAFewDozenBytesEachAndAllFireOrCancel() {
        ManualClock clock = new ManualClock(START_MS);
        AtomicInteger runs = new AtomicInteger();
        Runnable task = runs::incrementAndGet;
        TimerHandle[] handles = new TimerHandle[TASKS];
        Random random = new Random(1);
        try (TimingWheelTimer timer = new TimingWheelTimer(
                TimerConfig.defaults("million").withClockMs(clock), Runnable::run, false)) {
            long before = usedHeapAfterGc();
            for (int i = 0; i < TASKS; i++) {
                handles[i] = timer.schedule(task, 1 + random.nextInt((int) HORIZON_MS));
            }
            long bytesPerTask = (usedHeapAfterGc() - before) / TASKS;
            System.out.printf("TimingWheelTimer heap per pending task: %d bytes%n", bytesPerTask);
            assertThat(bytesPerTask).isLessThan(100);
            assertThat(timer.size()).isEqualTo(TASKS);

            int cancelled = 0;
            for (int i = 0; i < TASKS; i += 3) {
                assertThat(handles[i].cancel()).isTrue();
                cancelled++;
            }
            for (long t = START_MS; t <= START_MS + HORIZON_MS; t += 997) {
                clock.advanceTo(t, timer);
            }
            clock.advanceTo(START_MS + HORIZON_MS, timer);

            assertThat(runs).hasValue(TASKS - cancelled);
            assertThat(timer.size()).isZero();
            for (int i = 0; i < TASKS; i++) {
                assertThat(handles[i].isCancelled()).isEqualTo(i % 3 == 0);
            }
        }
    }

    private static long usedHeapAfterGc() {
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }
}
