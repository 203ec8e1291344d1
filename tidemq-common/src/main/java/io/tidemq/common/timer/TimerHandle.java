package io.tidemq.common.timer;

/** A task scheduled on a {@link TimingWheelTimer}. Safe to use from any thread. */
public interface TimerHandle {

    /**
     * Prevents the task from running, in O(1).
     *
     * @return true if this call cancelled it; false if it had already expired or been cancelled
     */
    boolean cancel();

    boolean isCancelled();

    /** True once the deadline passed and the task was handed to the timer's executor. */
    boolean isExpired();

    /** When the task becomes due, in the timer clock's milliseconds. */
    long deadlineMs();
}
