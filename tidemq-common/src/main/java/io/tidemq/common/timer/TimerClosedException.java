package io.tidemq.common.timer;

/** A task was scheduled on a timer after {@link TimingWheelTimer#close()}. */
public final class TimerClosedException extends IllegalStateException {

    public TimerClosedException(String timerName) {
        super("Timer '" + timerName + "' is closed and accepts no tasks; schedule on a running timer or create a new one");
    }
}
