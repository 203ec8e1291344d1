package io.tidemq.it.support;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;

/**
 * A TideMQ server role ({@code standalone}, {@code namesrv} or {@code broker}) run by the real CLI main in a
 * child JVM, restartable with the same arguments (same ports, same data directory). Each start appends to
 * {@code <logDir>/<name>.log}. Owned by the test thread: not thread-safe.
 */
public final class ServerNode implements AutoCloseable {

    /** The CLI entry point every child JVM runs. */
    public static final String MAIN = "io.tidemq.cli.TideMq";
    /** Small heaps: a 2-core box runs several of these next to the test JVM. */
    static final List<String> SERVER_JVM_ARGS = List.of("-Xmx256m", "-XX:MaxDirectMemorySize=256m");
    /**
     * {@link #SERVER_JVM_ARGS} with the C1 compiler only: a JVM restarted again and again (the kill loop) is ready
     * sooner on 2 busy cores when no C2 compilation competes with its start; its peak speed matters less there.
     */
    public static final List<String> QUICK_START_JVM_ARGS = List.of("-Xmx256m", "-XX:MaxDirectMemorySize=256m",
            "-XX:TieredStopAtLevel=1");
    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration STOP_GRACE = Duration.ofSeconds(30);

    private final String name;
    private final Path logDir;
    private final List<String> args;
    private final Predicate<String> readyLine;
    private final List<String> jvmArgs;
    /** The running child, or null between stop and start. */
    private JvmProcess process;

    public ServerNode(String name, Path logDir, List<String> args, Predicate<String> readyLine) {
        this(name, logDir, args, readyLine, SERVER_JVM_ARGS);
    }

    /** @param jvmArgs the child's JVM options instead of the default small heaps */
    public ServerNode(String name, Path logDir, List<String> args, Predicate<String> readyLine, List<String> jvmArgs) {
        this.jvmArgs = List.copyOf(jvmArgs);
        this.name = name;
        this.logDir = logDir;
        this.args = List.copyOf(args);
        this.readyLine = readyLine;
    }

    /** Starts the child and returns once it printed its ready line. */
    public ServerNode start() {
        if (process != null && process.isAlive()) {
            throw new IllegalStateException(name + " is already running");
        }
        process = JvmProcess.start(name, logDir, jvmArgs, MAIN, args.toArray(String[]::new));
        try {
            process.awaitLine(readyLine, START_TIMEOUT);
        } catch (TimeoutException | RuntimeException e) {
            process.close();
            throw new IllegalStateException(name + " did not become ready: " + e.getMessage(), e);
        }
        return this;
    }

    /** SIGKILL: no shutdown hook, no flush, no unregistration. */
    public void kill9() {
        requireProcess().kill9();
        process.close();
    }

    /**
     * SIGTERM and wait for the shutdown hook to finish. Fails if the process had to be killed or did not
     * report a clean stop, since that would make a "graceful" restart test meaningless.
     */
    public void stopGracefully() {
        JvmProcess p = requireProcess();
        p.stopGracefully(STOP_GRACE);
        boolean reported = p.lines().stream().anyMatch(l -> l.endsWith(" stopped."));
        p.close();
        if (!reported) {
            throw new IllegalStateException(name + " did not report a clean stop within " + STOP_GRACE + " (exit code "
                    + p.exitValue() + "); see " + p.logFile());
        }
    }

    public boolean isAlive() {
        return process != null && process.isAlive();
    }

    /** The process id of the current (or last) child. */
    public long pid() {
        return requireProcess().pid();
    }

    /** Lines the current (or last) child printed. */
    public List<String> lines() {
        return process == null ? List.of() : new ArrayList<>(process.lines());
    }

    private JvmProcess requireProcess() {
        if (process == null) {
            throw new IllegalStateException(name + " was not started");
        }
        return process;
    }

    /** Kills the child if it still runs; safe to call in any state. */
    @Override
    public void close() {
        if (process != null) {
            process.close();
        }
    }

    @Override
    public String toString() {
        return name + (process == null ? " (stopped)" : " " + process);
    }
}
