package io.tidemq.store.dispatch;

import io.tidemq.store.api.MessageArrivalListener;
import io.tidemq.store.commitlog.CommitLog;
import io.tidemq.store.metrics.StoreMetrics;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import static io.tidemq.store.TestStores.message;
import static io.tidemq.store.TestStores.smallConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The dispatcher's two idle states: it polls every millisecond right after records and sleeps until signalled once
 * nothing came for a while. The sleep fallback is set to an hour here, so every dispatch below is the work of a
 * signal, not of the fallback.
 */
class ReputMessageServiceSleepTest {

    private static final long HOUR_MS = 3_600_000;

    @TempDir
    Path dir;

    private CommitLog commitLog;
    private ReputMessageService reput;
    /** Records dispatched; written by the dispatching thread, read by the test. */
    private final AtomicLong dispatched = new AtomicLong();
    /** The dispatch ceiling (a commit point); written by the test, read by the dispatching thread. */
    private final AtomicLong ceiling = new AtomicLong(Long.MAX_VALUE);

    private void start(int emptyRoundsBeforeSleep) {
        commitLog = new CommitLog(smallConfig(dir).build(), new StoreMetrics(), null);
        commitLog.load();
        reput = new ReputMessageService(commitLog, () -> Math.min(commitLog.maxOffset(), ceiling.get()),
                new StoreMetrics(), emptyRoundsBeforeSleep, HOUR_MS);
        reput.addDispatcher(request -> dispatched.incrementAndGet());
        reput.start();
    }

    @AfterEach
    void stop() {
        if (reput != null) {
            reput.close();
        }
        if (commitLog != null) {
            commitLog.files().shutdown();
        }
    }

    private void awaitSleeping() {
        await().atMost(Duration.ofSeconds(10)).until(reput::isSleeping);
    }

    @Test
    void anIdleDispatcherSleepsAndTheNextAppendWakesItWithNoPullWaiting() {
        start(3);
        awaitSleeping();
        long sleepsBefore = reput.sleeps();
        commitLog.append(message("t", 0, "a"));
        reput.onAppended();
        await().atMost(Duration.ofSeconds(10)).until(() -> dispatched.get() == 1);
        // it went back to sleep only after the record, through the empty rounds again
        awaitSleeping();
        assertThat(reput.sleeps()).isGreaterThan(sleepsBefore);
        commitLog.append(message("t", 0, "b"));
        commitLog.append(message("t", 1, "c"));
        reput.onAppended();
        await().atMost(Duration.ofSeconds(10)).until(() -> dispatched.get() == 3);
    }

    @Test
    void aRaisedDispatchLimitWakesASleepingDispatcher() {
        ceiling.set(0);
        start(3);
        commitLog.append(message("t", 0, "a"));
        commitLog.append(message("t", 0, "b"));
        reput.onAppended();
        awaitSleeping();
        assertThat(dispatched.get()).isZero();
        // the commit point moves (a SYNC master's, a slave's after its append): no append signals here
        ceiling.set(commitLog.maxOffset());
        reput.onLimitRaised();
        await().atMost(Duration.ofSeconds(10)).until(() -> dispatched.get() == 2);
    }

    @Test
    void aPollingDispatcherIsSignalledOnlyWhileAPullWaits() {
        // it never sleeps here: between records it polls, and only a held pull gets it woken at once
        start(Integer.MAX_VALUE);
        AtomicBoolean pullHeld = new AtomicBoolean();
        AtomicLong arrivals = new AtomicLong();
        reput.addArrivalListener(new MessageArrivalListener() {
            @Override
            public void onArrival(String topic, int queueId, long maxQueueOffset) {
                arrivals.incrementAndGet();
            }

            @Override
            public boolean waitingForArrivals() {
                return pullHeld.get();
            }
        });
        for (int i = 0; i < 200; i++) {
            commitLog.append(message("t", i % 4, "m" + i));
            reput.onAppended();
            ceiling.set(Long.MAX_VALUE);
            reput.onLimitRaised();
        }
        // found by the millisecond poll: not one append or limit move signalled it (3285b2f's regression)
        await().atMost(Duration.ofSeconds(10)).until(() -> dispatched.get() == 200);
        assertThat(reput.signals()).isZero();
        assertThat(reput.sleeps()).isZero();
        long arrivalsBefore = arrivals.get();
        pullHeld.set(true);
        commitLog.append(message("t", 0, "b"));
        reput.onAppended();
        await().atMost(Duration.ofSeconds(10)).until(() -> dispatched.get() == 201 && arrivals.get() > arrivalsBefore);
    }

    @Test
    void aFollowersSlowerPollStillLetsAHeldPullWakeTheDispatcherAtOnce() {
        start(Integer.MAX_VALUE);
        reput.setPollIntervalMs(ReputMessageService.FOLLOWER_POLL_MS);
        assertThat(reput.pollIntervalMs()).isEqualTo(ReputMessageService.FOLLOWER_POLL_MS);
        AtomicBoolean pullHeld = new AtomicBoolean();
        reput.addArrivalListener(new MessageArrivalListener() {
            @Override
            public void onArrival(String topic, int queueId, long maxQueueOffset) {
            }

            @Override
            public boolean waitingForArrivals() {
                return pullHeld.get();
            }
        });
        for (int i = 0; i < 50; i++) {
            commitLog.append(message("t", i % 4, "m" + i));
            reput.onAppended();
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> dispatched.get() == 50);
        assertThat(reput.signals()).as("found by the poll").isZero();
        pullHeld.set(true);
        AtomicLong appended = new AtomicLong(50);
        await().atMost(Duration.ofSeconds(10)).until(() -> {
            // signalled only while parked: append until one append finds it so
            commitLog.append(message("t", 0, "held"));
            appended.incrementAndGet();
            reput.onAppended();
            return reput.signals() > 0;
        });
        await().atMost(Duration.ofSeconds(10)).until(() -> dispatched.get() == appended.get());
        reput.setPollIntervalMs(ReputMessageService.DEFAULT_POLL_MS);
        assertThat(reput.pollIntervalMs()).isEqualTo(1);
    }

    @Test
    void aPollIntervalOutsideItsRangeIsRefusedWithTheRange() {
        start(3);
        assertThatThrownBy(() -> reput.setPollIntervalMs(0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("between 1 and 1000 ms");
        assertThatThrownBy(() -> reput.setPollIntervalMs(1_001)).isInstanceOf(IllegalArgumentException.class);
        assertThat(reput.pollIntervalMs()).isEqualTo(ReputMessageService.DEFAULT_POLL_MS);
    }
}
