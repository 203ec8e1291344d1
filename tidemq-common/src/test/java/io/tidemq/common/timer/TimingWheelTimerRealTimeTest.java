package io.tidemq.common.timer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The real driver thread and wall clock; bounds are generous so a loaded 2-core box does not flake. */
class TimingWheelTimerRealTimeTest {

    private final ExecutorService executor = Executors.newFixedThreadPool(2, r -> new Thread(r, "test-timer-callback"));

    @AfterEach
    void shutDown() throws InterruptedException {
        executor.shutdownNow();
        executor.awaitTermination(5, TimeUnit.SECONDS);
    }

    @Test
    void tasksNeverRunBeforeTheirDeadlineAndRunSoonAfterIt() {
        try (TimingWheelTimer timer = new TimingWheelTimer(TimerConfig.defaults("precision"), executor)) {
            int tasks = 300;
            AtomicInteger early = new AtomicInteger();
            AtomicLong maxLatenessMs = new AtomicLong();
            AtomicInteger fired = new AtomicInteger();
            Random random = new Random(3);
            for (int i = 0; i < tasks; i++) {
                long delayMs = random.nextInt(400);
                long deadline = timer.nowMs() + delayMs;
                timer.scheduleAt(() -> {
                    long lateness = System.currentTimeMillis() - deadline;
                    if (lateness < 0) {
                        early.incrementAndGet();
                    }
                    maxLatenessMs.accumulateAndGet(lateness, Math::max);
                    fired.incrementAndGet();
                }, deadline);
            }

            await().atMost(Duration.ofSeconds(30)).until(() -> fired.get() == tasks);
            System.out.printf("TimingWheelTimer max lateness over %d tasks: %d ms%n", tasks, maxLatenessMs.get());
            assertThat(early).hasValue(0);
            assertThat(maxLatenessMs.get()).isLessThan(2_000);
        }
    }

    @Test
    void tasksRunOnTheExecutorAndTheIdleDriverSleepsUntilClose() throws Exception {
        Thread driver;
        try (TimingWheelTimer timer = new TimingWheelTimer(TimerConfig.defaults("sleepy"), executor)) {
            ConcurrentLinkedQueue<String> threadNames = new ConcurrentLinkedQueue<>();
            CountDownLatch ran = new CountDownLatch(1);
            timer.schedule(() -> {
                threadNames.add(Thread.currentThread().getName());
                ran.countDown();
            }, 20);
            assertThat(ran.await(30, TimeUnit.SECONDS)).isTrue();
            assertThat(threadNames).containsExactly("test-timer-callback");

            driver = findThread("tidemq-timer-sleepy");
            await().atMost(Duration.ofSeconds(10)).until(() -> driver.getState() == Thread.State.WAITING);
        }
        assertThat(driver.isAlive()).isFalse();
    }

    @Test
    void schedulingAndCancellingFromManyThreadsRunsExactlyTheUncancelledTasks() throws Exception {
        int threads = 4;
        int perThread = 25_000;
        AtomicIntegerArray runs = new AtomicIntegerArray(threads * perThread);
        AtomicIntegerArray cancelled = new AtomicIntegerArray(threads * perThread);
        try (TimingWheelTimer timer = new TimingWheelTimer(TimerConfig.defaults("concurrent"), executor)) {
            CountDownLatch start = new CountDownLatch(1);
            List<Thread> schedulers = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int base = t * perThread;
                Thread scheduler = new Thread(() -> {
                    Random random = new Random(base);
                    try {
                        start.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return;
                    }
                    for (int i = 0; i < perThread; i++) {
                        int id = base + i;
                        TimerHandle handle = timer.schedule(() -> runs.incrementAndGet(id), random.nextInt(200));
                        // a short delay may already have expired, in which case cancel() reports false
                        if (id % 5 == 0 && handle.cancel()) {
                            cancelled.set(id, 1);
                        }
                    }
                }, "test-scheduler-" + t);
                scheduler.start();
                schedulers.add(scheduler);
            }
            start.countDown();
            for (Thread scheduler : schedulers) {
                scheduler.join(60_000);
            }

            await().atMost(Duration.ofSeconds(30)).until(() -> timer.size() == 0);
            int expectedRuns = runs.length() - sum(cancelled);
            await().atMost(Duration.ofSeconds(30)).until(() -> sum(runs) == expectedRuns);
            assertThat(sum(cancelled)).isGreaterThan(runs.length() / 10);
            for (int id = 0; id < runs.length(); id++) {
                assertThat(runs.get(id)).as("runs of task %d", id).isEqualTo(1 - cancelled.get(id));
            }
        }
    }

    private static int sum(AtomicIntegerArray values) {
        int total = 0;
        for (int i = 0; i < values.length(); i++) {
            total += values.get(i);
        }
        return total;
    }

    private static Thread findThread(String name) {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().equals(name))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no thread named " + name));
    }
}
