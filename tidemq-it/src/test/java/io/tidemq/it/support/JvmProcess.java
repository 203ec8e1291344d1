package io.tidemq.it.support;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * A child JVM started from this test's classpath, with its stdout read line by line on a named thread and
 * copied to a log file. Every instance is registered with {@link ProcessReaper}, so a test that fails
 * half-way still leaves no process behind.
 */
public final class JvmProcess implements AutoCloseable {

    /** Lines of output quoted when a child dies unexpectedly. */
    private static final int TAIL_LINES = 30;

    private final String name;
    private final Process process;
    private final Path logFile;
    /**
     * Lines seen so far; appended by the reader thread, read by the test thread. Guarded by itself (not
     * copy-on-write: a child may print hundreds of thousands of lines).
     */
    private final List<String> lines = new ArrayList<>();
    /** Line listeners; registered by the test thread before or while the reader thread calls them. */
    private final List<Consumer<String>> listeners = new CopyOnWriteArrayList<>();
    private final CountDownLatch outputClosed = new CountDownLatch(1);

    private JvmProcess(String name, Process process, Path logFile) {
        this.name = name;
        this.process = process;
        this.logFile = logFile;
        Thread reader = new Thread(this::pump, "it-stdout-" + name);
        reader.setDaemon(true);
        reader.start();
    }

    /**
     * Starts {@code mainClass} with {@code args} in a new JVM using this JVM's classpath.
     *
     * @param logDir where {@code <name>.log} receives the child's stdout and stderr
     */
    public static JvmProcess start(String name, Path logDir, List<String> jvmArgs, String mainClass, String... args) {
        return start(name, logDir, List.of(), jvmArgs, mainClass, args);
    }

    /**
     * As {@link #start(String, Path, List, String, String...)}, with {@code java} run by a command prefix that
     * execs it (for example {@code ip netns exec NAME}), so the pid is still the JVM's and {@link #kill9()} kills it.
     */
    public static JvmProcess start(String name, Path logDir, List<String> prefix, List<String> jvmArgs,
                                   String mainClass, String... args) {
        List<String> cmd = new ArrayList<>(prefix);
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        ServerClassArchive.ChildJvm child = ServerClassArchive.child();
        cmd.add("-Xms64m");
        cmd.add("-XX:+UseSerialGC");
        // C1 only: children live seconds to a minute, and C2's compilations cost the 2-core machine more than they
        // win back (a broker reached its ready line on 2.0 s of CPU instead of 3.5 s); a test may override it
        cmd.add("-XX:TieredStopAtLevel=1");
        cmd.addAll(child.options());
        cmd.addAll(jvmArgs);
        cmd.add("-cp");
        cmd.add(child.classPath());
        cmd.add(mainClass);
        cmd.addAll(List.of(args));
        try {
            Files.createDirectories(logDir);
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            JvmProcess jp = new JvmProcess(name, p, logDir.resolve(name + ".log"));
            ProcessReaper.register(jp);
            return jp;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start JVM for " + name, e);
        }
    }

    private void pump() {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
             PrintWriter log = new PrintWriter(Files.newBufferedWriter(logFile, StandardCharsets.UTF_8,
                     java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND), true)) {
            String line;
            while ((line = r.readLine()) != null) {
                synchronized (lines) {
                    lines.add(line);
                }
                log.println(line);
                for (Consumer<String> l : listeners) {
                    l.accept(line);
                }
            }
        } catch (IOException e) {
            // the child died or closed its output: that ends the pump
        } finally {
            outputClosed.countDown();
        }
    }

    /** Calls {@code listener} for every line printed from now on (on the reader thread). */
    public void onLine(Consumer<String> listener) {
        listeners.add(listener);
    }

    /** Waits until a printed line matches, returning it; fails fast if the process exits first. */
    public String awaitLine(Predicate<String> matcher, Duration timeout) throws TimeoutException {
        long deadline = System.nanoTime() + timeout.toNanos();
        int seen = 0;
        while (System.nanoTime() < deadline) {
            List<String> snapshot = linesFrom(seen);
            for (String line : snapshot) {
                if (matcher.test(line)) {
                    return line;
                }
            }
            seen += snapshot.size();
            if (!process.isAlive() && outputClosed.getCount() == 0 && seen >= lineCount()) {
                throw new IllegalStateException(name + " exited with " + process.exitValue()
                        + " before printing the expected line; its last lines:\n" + tail(TAIL_LINES)
                        + "\n(all in " + logFile + ")");
            }
            try {
                outputClosed.await(20, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        throw new TimeoutException(name + " printed no matching line within " + timeout + "; see " + logFile);
    }

    /** The last {@code count} lines printed so far, newline-separated (for failure messages). */
    public String tail(int count) {
        synchronized (lines) {
            return String.join("\n", lines.subList(Math.max(0, lines.size() - count), lines.size()));
        }
    }

    /** A copy of every line printed so far. */
    public List<String> lines() {
        return linesFrom(0);
    }

    private List<String> linesFrom(int index) {
        synchronized (lines) {
            return new ArrayList<>(lines.subList(Math.min(index, lines.size()), lines.size()));
        }
    }

    private int lineCount() {
        synchronized (lines) {
            return lines.size();
        }
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    public long pid() {
        return process.pid();
    }

    public Path logFile() {
        return logFile;
    }

    /**
     * SIGKILL: the process gets no chance to flush or clean up. Signalled through the ProcessHandle because
     * Process.destroyForcibly() also closes our end of its stdout, losing lines still in the pipe.
     */
    public void kill9() {
        process.toHandle().destroyForcibly();
        waitForExit(Duration.ofSeconds(30));
    }

    /**
     * SIGTERM, then SIGKILL if it has not exited within {@code grace}. Signalled through the ProcessHandle:
     * Process.destroy() closes our end of the child's stdout, so what its shutdown hooks print would be lost
     * (and their writes fail with EPIPE).
     */
    public void stopGracefully(Duration grace) {
        process.toHandle().destroy();
        if (!waitForExit(grace)) {
            kill9();
        }
    }

    /**
     * Whether this JVM ignores SIGINT, which the processes it starts inherit: a JVM started with SIGINT ignored (a
     * job put in the background by a shell without job control, e.g. {@code (cmd &)}) installs no handler for it, so
     * {@link #interrupt()} cannot stop it. Read from {@code SigIgn} in {@code /proc/self/status}; false where that
     * file does not exist.
     */
    public static boolean sigintIgnoredHere() {
        try {
            for (String line : java.nio.file.Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("SigIgn:")) {
                    long mask = Long.parseUnsignedLong(line.substring("SigIgn:".length()).trim(), 16);
                    return (mask & (1L << (2 - 1))) != 0; // SIGINT is signal 2
                }
            }
        } catch (IOException | RuntimeException e) {
            return false;
        }
        return false;
    }

    /** SIGINT, as Ctrl-C in a terminal sends (through {@code kill -INT}: Java has no API for it). */
    public void interrupt() {
        try {
            Process kill = new ProcessBuilder("kill", "-INT", Long.toString(process.pid())).inheritIO().start();
            if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
                throw new IllegalStateException("kill -INT " + process.pid() + " failed");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run kill -INT for " + name, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** SIGTERM, without waiting (see {@link #stopGracefully} for the reason it goes through the ProcessHandle). */
    public void terminate() {
        process.toHandle().destroy();
    }

    public boolean waitForExit(Duration timeout) {
        try {
            boolean exited = process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (exited) {
                outputClosed.await(5, TimeUnit.SECONDS);
            }
            return exited;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    public int exitValue() {
        return process.exitValue();
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            kill9();
        }
        ProcessReaper.unregister(this);
    }

    @Override
    public String toString() {
        return name + "(pid " + process.pid() + ")";
    }
}
