package io.tidemq.common.concurrent;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

class ServiceThreadTest {

    private static final long HOUR_MS = TimeUnit.HOURS.toMillis(1);

    /** Every service started by a test, stopped after it. */
    private final List<ServiceThread> started = new ArrayList<>();

    @AfterEach
    void stopAll() {
        started.forEach(s -> s.shutdown(5_000));
    }

    /** Counts iterations; each waits up to an hour unless woken. */
    private static class Counting extends ServiceThread {
        final AtomicInteger iterations = new AtomicInteger();
        final List<String> stoppedOn = new CopyOnWriteArrayList<>();
        volatile boolean daemonSeen;
        volatile String nameSeen;

        Counting(String name, boolean daemon) {
            super(name, daemon);
        }

        @Override
        protected void onLoop() {
            daemonSeen = Thread.currentThread().isDaemon();
            nameSeen = Thread.currentThread().getName();
            if (waitForRunning(HOUR_MS)) {
                iterations.incrementAndGet();
            }
        }

        @Override
        protected void onStopped() {
            stoppedOn.add(Thread.currentThread().getName());
        }
    }

    private <T extends ServiceThread> T start(T service) {
        started.add(service);
        service.start();
        return service;
    }

    @Test
    void runsOnANamedThreadOfTheChosenKindAndStopsWithOnStoppedOnThatThread() {
        Counting service = start(new Counting("tidemq-test-loop", false));
        await().until(() -> service.nameSeen != null);

        assertThat(service.nameSeen).isEqualTo("tidemq-test-loop");
        assertThat(service.daemonSeen).isFalse();
        assertThat(service.shutdown(5_000)).isTrue();
        assertThat(service.isAlive()).isFalse();
        assertThat(service.isStopped()).isTrue();
        assertThat(service.stoppedOn).containsExactly("tidemq-test-loop");
        assertThat(service.iterations).hasValue(0);
    }

    @Test
    void theDefaultThreadIsADaemon() {
        List<Boolean> daemon = new CopyOnWriteArrayList<>();
        start(new ServiceThread("tidemq-test-daemon") {
            @Override
            protected void onLoop() {
                if (daemon.isEmpty()) {
                    daemon.add(Thread.currentThread().isDaemon());
                }
                waitForRunning(HOUR_MS);
            }
        });

        await().until(() -> !daemon.isEmpty());
        assertThat(daemon).containsExactly(true);
    }

    @Test
    void wakeupEndsTheWaitEarly() {
        Counting service = start(new Counting("tidemq-test-wake", true));
        await().until(() -> service.nameSeen != null);

        service.wakeup();
        await().untilAtomic(service.iterations, equalTo(1));
        service.wakeup();
        await().untilAtomic(service.iterations, equalTo(2));
    }

    @Test
    void aWakeupGivenWhileTheLoopIsBusyIsNotLost() throws InterruptedException {
        CountDownLatch busy = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger wokenIterations = new AtomicInteger();
        ServiceThread service = start(new ServiceThread("tidemq-test-busy") {
            private boolean first = true;

            @Override
            protected void onLoop() throws InterruptedException {
                if (first) {
                    first = false;
                    busy.countDown();
                    release.await();
                    return;
                }
                if (waitForRunning(HOUR_MS)) {
                    wokenIterations.incrementAndGet();
                }
            }
        });
        busy.await();

        service.wakeup(); // while the loop is not waiting
        release.countDown();

        await().untilAtomic(wokenIterations, equalTo(1));
    }

    @Test
    void aFailingIterationIsHandedToOnFailureAndTheLoopGoesOn() {
        List<Throwable> failures = new CopyOnWriteArrayList<>();
        AtomicInteger runs = new AtomicInteger();
        start(new ServiceThread("tidemq-test-failing") {
            @Override
            protected void onLoop() {
                if (runs.incrementAndGet() <= 2) {
                    throw new IllegalStateException("boom " + runs.get());
                }
                waitForRunning(HOUR_MS);
            }

            @Override
            protected boolean onFailure(Throwable failure) {
                failures.add(failure);
                return true;
            }
        });

        await().untilAtomic(runs, equalTo(3));
        assertThat(failures).extracting(Throwable::getMessage).containsExactly("boom 1", "boom 2");
    }

    @Test
    void anErrorDoesNotKillTheLoopEither() {
        AtomicInteger runs = new AtomicInteger();
        ServiceThread service = start(new ServiceThread("tidemq-test-error") {
            @Override
            protected void onLoop() {
                if (runs.incrementAndGet() == 1) {
                    throw new AssertionError("an Error, not an Exception");
                }
                waitForRunning(HOUR_MS);
            }
        });

        await().untilAtomic(runs, equalTo(2));
        assertThat(service.isAlive()).isTrue();
    }

    @Test
    void onFailureAnsweringFalseEndsTheThreadAfterOnStopped() {
        AtomicInteger runs = new AtomicInteger();
        CountDownLatch stopped = new CountDownLatch(1);
        ServiceThread service = start(new ServiceThread("tidemq-test-fatal") {
            @Override
            protected void onLoop() {
                runs.incrementAndGet();
                throw new IllegalStateException("fatal");
            }

            @Override
            protected boolean onFailure(Throwable failure) {
                return false;
            }

            @Override
            protected void onStopped() {
                stopped.countDown();
            }
        });

        await().until(() -> stopped.getCount() == 0 && !service.isAlive());
        assertThat(runs).hasValue(1);
        assertThat(service.isStopped()).isTrue();
        assertThat(service.shutdown(5_000)).isTrue();
    }

    @Test
    void shutdownWaitsOnlyAsLongAsAskedWhenTheLoopIsStuck() {
        CountDownLatch inLoop = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        ServiceThread service = start(new ServiceThread("tidemq-test-stuck") {
            @Override
            protected void onLoop() {
                inLoop.countDown();
                try {
                    release.await(); // ignores the wake-up: only the latch ends it
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        });
        await().until(() -> inLoop.getCount() == 0);

        assertThat(service.shutdown(0)).isFalse();
        assertThat(service.shutdown(20)).isFalse();
        assertThat(service.isStopped()).isTrue();

        release.countDown();
        await().atMost(Duration.ofSeconds(10)).until(() -> !service.isAlive());
        assertThat(service.shutdown(5_000)).isTrue();
    }

    @Test
    void startsOnceAndAServiceNeverStartedShutsDownAtOnce() {
        Counting neverStarted = new Counting("tidemq-test-never", true);
        assertThat(neverStarted.shutdown(HOUR_MS)).isTrue();

        Counting service = start(new Counting("tidemq-test-once", true));
        assertThatThrownBy(service::start)
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("tidemq-test-once is already started");
    }

    @Test
    void everyRunsTheTaskAgainAfterAFailedRun() {
        AtomicInteger runs = new AtomicInteger();
        List<Throwable> logged = new CopyOnWriteArrayList<>();
        ServiceThread service = start(ServiceThread.every("tidemq-test-every", 1, () -> {
            if (runs.incrementAndGet() == 1) {
                throw new IllegalStateException("first run fails");
            }
        }, logged::add));

        await().until(() -> runs.get() >= 3);
        assertThat(logged).extracting(Throwable::getMessage).containsExactly("first run fails");
        assertThat(service.shutdown(5_000)).isTrue();
    }
}
