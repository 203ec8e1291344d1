package io.tidemq.common.timer;

import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/** A clock tests move by hand, so wheel behaviour is checked at exact milliseconds. */
final class ManualClock implements LongSupplier {

    private final AtomicLong nowMs;

    ManualClock(long startMs) {
        nowMs = new AtomicLong(startMs);
    }

    @Override
    public long getAsLong() {
        return nowMs.get();
    }

    /** Moves the clock to {@code timeMs} and lets the (driverless) timer expire everything now due. */
    void advanceTo(long timeMs, TimingWheelTimer timer) {
        nowMs.set(timeMs);
        while (timer.advanceClock()) {
            // each call drains the buckets due at this time; cascades may queue more
        }
    }
}
