package io.tidemq.cli;

import java.io.PrintWriter;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

/**
 * Keeps a server command running until SIGTERM / Ctrl-C (a JVM shutdown hook) or {@link #stop()}, then closes
 * the servers it manages, newest first, exactly once, and reports it.
 *
 * <p>The hook is installed before any server starts, so a SIGTERM during start-up still closes whatever
 * started: the hook waits (up to {@value #STARTUP_WAIT_MS} ms) for start-up to end, then closes everything
 * registered with {@link #manage}.
 */
final class ServerLifecycle {

    private static final long STARTUP_WAIT_MS = 60_000;

    private final String name;
    private final PrintWriter out;
    /** Servers to close, newest first; guarded by {@code this}. */
    private final Deque<Managed> servers = new ArrayDeque<>();
    private final CountDownLatch startupEnded = new CountDownLatch(1);
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final AtomicBoolean stopping = new AtomicBoolean();
    private final Thread hook;

    private record Managed(AutoCloseable server, String stoppedLine) {
    }

    ServerLifecycle(String name, PrintWriter out) {
        this.name = name;
        this.out = out;
        this.hook = new Thread(this::shutdown, "tidemq-shutdown-hook");
    }

    /** Installs the shutdown hook; call before starting any server. */
    void installHook() {
        Runtime.getRuntime().addShutdownHook(hook);
    }

    /** Registers {@code server} to be closed at shutdown (before starting it), printing {@code stoppedLine}. */
    synchronized <T extends AutoCloseable> T manage(T server, String stoppedLine) {
        servers.push(new Managed(server, stoppedLine));
        return server;
    }

    /**
     * Runs {@code startup}, which registers servers with {@link #manage} and starts them, and returns what it
     * returns; if it throws, stops what started and rethrows. Either way start-up has ended afterwards.
     */
    <T> T startUp(Supplier<T> startup) {
        try {
            return startup.get();
        } catch (RuntimeException e) {
            stop();
            throw e;
        } finally {
            startupEnded();
        }
    }

    /** Start-up is over, whether it succeeded or not; a pending shutdown may now proceed. */
    void startupEnded() {
        startupEnded.countDown();
    }

    /** Blocks until the servers have been shut down. */
    void awaitStopped() throws InterruptedException {
        stopped.await();
    }

    /** Stops the servers from inside the JVM (tests, embedding, failed start-up); returns once they are down. */
    void stop() {
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException | IllegalArgumentException e) {
            // the JVM is already shutting down, or the hook was never installed: the hook or nobody runs it
        }
        startupEnded();
        shutdown();
    }

    private void shutdown() {
        if (!stopping.compareAndSet(false, true)) {
            awaitQuietly();
            return;
        }
        try {
            if (!startupEnded.await(STARTUP_WAIT_MS, TimeUnit.MILLISECONDS)) {
                out.println("start-up did not end within " + STARTUP_WAIT_MS + " ms; stopping what started");
            }
            out.println("Stopping " + name + "...");
            out.flush();
            for (Managed m : snapshot()) {
                try {
                    m.server().close();
                    out.println(m.stoppedLine());
                } catch (Exception e) {
                    out.println("  failed to stop cleanly: " + e);
                }
                out.flush();
            }
            out.println(name + " stopped.");
            out.flush();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            stopped.countDown();
        }
    }

    private synchronized Deque<Managed> snapshot() {
        return new ArrayDeque<>(servers);
    }

    private void awaitQuietly() {
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
