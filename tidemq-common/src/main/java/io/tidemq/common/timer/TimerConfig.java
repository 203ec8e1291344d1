package io.tidemq.common.timer;

import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Settings of a {@link TimingWheelTimer}; immutable and validated here.
 *
 * <p>Level k of the wheel has buckets of {@code tickMs * wheelSize^k} ms and spans {@code wheelSize} of
 * them; levels are created when a deadline first needs them. The defaults (1 ms x 1000) give levels of
 * 1 ms buckets spanning 1 s, 1 s buckets spanning ~16.7 min, ~16.7 min buckets spanning ~11.6 days, and
 * ~11.6 day buckets spanning ~31.7 years. A task fires at most {@code tickMs - 1} ms after its deadline plus
 * scheduling latency, never before it.
 *
 * @param name       names the driver thread {@code tidemq-timer-<name>}; letters, digits, '.', '_', '-'
 * @param tickMs     bucket width of the finest level, in [1, 60000]
 * @param wheelSize  buckets per level, in [2, 65536]
 * @param maxDelayMs longest accepted delay, in [1, 100 years in ms]
 * @param clockMs    the time base of every deadline; {@code System::currentTimeMillis} by default
 */
public record TimerConfig(String name, long tickMs, int wheelSize, long maxDelayMs, LongSupplier clockMs) {

    public static final long DEFAULT_TICK_MS = 1;
    public static final int DEFAULT_WHEEL_SIZE = 1000;
    public static final long DEFAULT_MAX_DELAY_MS = TimeUnit.DAYS.toMillis(365);
    static final long MAX_TICK_MS = 60_000;
    static final int MAX_WHEEL_SIZE = 1 << 16;
    static final long MAX_MAX_DELAY_MS = TimeUnit.DAYS.toMillis(365L * 100);

    public TimerConfig {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(clockMs, "clockMs");
        if (name.isEmpty() || !name.matches("[A-Za-z0-9._-]+")) {
            throw new IllegalArgumentException("timer name must be non-empty letters, digits, '.', '_' or '-', was '" + name + "'");
        }
        if (tickMs < 1 || tickMs > MAX_TICK_MS) {
            throw new IllegalArgumentException("tickMs must be in [1, " + MAX_TICK_MS + "], was " + tickMs);
        }
        if (wheelSize < 2 || wheelSize > MAX_WHEEL_SIZE) {
            throw new IllegalArgumentException("wheelSize must be in [2, " + MAX_WHEEL_SIZE + "], was " + wheelSize);
        }
        if (maxDelayMs < 1 || maxDelayMs > MAX_MAX_DELAY_MS) {
            throw new IllegalArgumentException("maxDelayMs must be in [1, " + MAX_MAX_DELAY_MS + "], was " + maxDelayMs);
        }
    }

    /** The defaults above, with the system wall clock. */
    public static TimerConfig defaults(String name) {
        return new TimerConfig(name, DEFAULT_TICK_MS, DEFAULT_WHEEL_SIZE, DEFAULT_MAX_DELAY_MS, System::currentTimeMillis);
    }

    public TimerConfig withTickMs(long newTickMs) {
        return new TimerConfig(name, newTickMs, wheelSize, maxDelayMs, clockMs);
    }

    public TimerConfig withWheelSize(int newWheelSize) {
        return new TimerConfig(name, tickMs, newWheelSize, maxDelayMs, clockMs);
    }

    public TimerConfig withMaxDelayMs(long newMaxDelayMs) {
        return new TimerConfig(name, tickMs, wheelSize, newMaxDelayMs, clockMs);
    }

    public TimerConfig withClockMs(LongSupplier newClockMs) {
        return new TimerConfig(name, tickMs, wheelSize, maxDelayMs, newClockMs);
    }
}
