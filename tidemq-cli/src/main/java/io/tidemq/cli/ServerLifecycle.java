package io.tidemq.cli;

import java.io.PrintWriter;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Keeps a server command running until SIGTERM / Ctrl-C (a JVM shutdown hook) or {@link #stop()}, then
 * runs its shutdown action exactly once and reports it.
 */
final class ServerLifecycle {

    private final String name;
    private final PrintWriter out;
    private final Runnable shutdownAction;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final AtomicBoolean stopping = new AtomicBoolean();
    private final Thread hook;

    ServerLifecycle(String name, PrintWriter out, Runnable shutdownAction) {
        this.name = name;
        this.out = out;
        this.shutdownAction = shutdownAction;
        this.hook = new Thread(this::shutdown, "tidemq-shutdown-hook");
    }

    /** Installs the shutdown hook; call once the server is up. */
    void installHook() {
        Runtime.getRuntime().addShutdownHook(hook);
    }

    /** Blocks until the server has been shut down. */
    void awaitStopped() throws InterruptedException {
        stopped.await();
    }

    /** Stops the server from inside the JVM (tests, embedding); returns once it is down. */
    void stop() {
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException | IllegalArgumentException e) {
            // the JVM is already shutting down, or the hook was never installed: the hook or nobody runs it
        }
        shutdown();
    }

    private void shutdown() {
        if (!stopping.compareAndSet(false, true)) {
            awaitQuietly();
            return;
        }
        try {
            out.println("Stopping " + name + "...");
            out.flush();
            shutdownAction.run();
            out.println(name + " stopped.");
            out.flush();
        } finally {
            stopped.countDown();
        }
    }

    private void awaitQuietly() {
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
