package io.tidemq.cli;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Lets SIGINT (Ctrl-C) or SIGTERM end a client command at a safe point instead of wherever the JVM happens to
 * be: a shutdown hook asks the command to stop ({@link #requested()}) and waits, at most {@code maxWaitMs},
 * until the command has finished its work (committed what it printed) and called {@link #release()}.
 *
 * <p>Threads: the command thread polls {@link #requested()} and calls {@link #release()}; the JVM's
 * shutdown thread runs the hook. {@code requested} is volatile; the latch publishes the command's end.
 */
final class GracefulStop {

    private final String what;
    private final long maxWaitMs;
    private final CountDownLatch released = new CountDownLatch(1);
    private final Thread hook;
    private volatile boolean requested;

    private GracefulStop(String what, long maxWaitMs) {
        this.what = what;
        this.maxWaitMs = maxWaitMs;
        this.hook = new Thread(this::onSignal, "tidemq-graceful-stop");
    }

    /** Installs the hook for a command doing {@code what} (named if it has to be abandoned). */
    static GracefulStop install(String what, long maxWaitMs) {
        GracefulStop stop = new GracefulStop(what, maxWaitMs);
        Runtime.getRuntime().addShutdownHook(stop.hook);
        return stop;
    }

    /** Whether a signal asked the command to stop. */
    boolean requested() {
        return requested;
    }

    /** The command is done (normally or not): a waiting hook returns, and the hook is removed if still possible. */
    void release() {
        released.countDown();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // the JVM is already shutting down: the hook runs (or ran) and returns now that we are released
        }
    }

    private void onSignal() {
        requested = true;
        try {
            if (!released.await(maxWaitMs, TimeUnit.MILLISECONDS)) {
                System.err.println("tidemq: " + what + " did not finish within " + maxWaitMs + " ms of the stop"
                        + " signal; exiting without it");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
