package io.tidemq.benchmarks;

import io.tidemq.common.timer.TimerConfig;
import io.tidemq.common.timer.TimerHandle;
import io.tidemq.common.timer.TimingWheelTimer;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Throughput of {@link TimingWheelTimer}: schedule alone, schedule + cancel, and schedule with expiry running
 * concurrently on the driver thread. Run with
 * {@code java -cp "tidemq-benchmarks/target/classes:tidemq-benchmarks/target/lib/*" org.openjdk.jmh.Main TimingWheel}.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@State(Scope.Benchmark)
public class TimingWheelBenchmark {

    private static final int BATCH = 10_000;
    /** Spread over several levels: 1 ms ticks x 1000 buckets cover 1 s, the next level 16.7 min. */
    private static final int LONG_DELAY_MS = 600_000;
    private static final int SHORT_DELAY_MS = 10;

    private final LongAdder expired = new LongAdder();
    private final Runnable countExpiry = expired::increment;
    private final TimerHandle[] batch = new TimerHandle[BATCH];
    private TimingWheelTimer timer;

    @Setup(Level.Trial)
    public void start() {
        // A direct executor: expiry cost is the timer's own, not a thread pool's hand-off.
        timer = new TimingWheelTimer(TimerConfig.defaults("bench"), Runnable::run);
    }

    @TearDown(Level.Trial)
    public void stop() {
        timer.close();
    }

    /** Cancels the batch outside the measurement so the heap stays bounded. */
    @TearDown(Level.Invocation)
    public void cancelBatch() {
        for (int i = 0; i < BATCH; i++) {
            if (batch[i] != null) {
                batch[i].cancel();
                batch[i] = null;
            }
        }
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public void schedule() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        for (int i = 0; i < BATCH; i++) {
            batch[i] = timer.schedule(countExpiry, 1 + random.nextInt(LONG_DELAY_MS));
        }
    }

    @Benchmark
    public boolean scheduleThenCancel() {
        TimerHandle handle = timer.schedule(countExpiry, 1 + ThreadLocalRandom.current().nextInt(LONG_DELAY_MS));
        return handle.cancel();
    }

    /** Tasks due within 10 ms, so the driver expires them while this thread keeps scheduling. */
    @Benchmark
    public TimerHandle scheduleAndExpire() {
        return timer.schedule(countExpiry, 1 + ThreadLocalRandom.current().nextInt(SHORT_DELAY_MS));
    }
}
