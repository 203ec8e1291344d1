package io.tidemq.cli;

import io.tidemq.common.concurrent.NamedThreadFactory;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

import java.io.PrintWriter;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counts and latencies of a benchmark run, recorded from any thread without locks (HdrHistogram's
 * {@link Recorder}, {@link LongAdder}s), with a progress line every interval and a final summary.
 * Latencies are recorded in microseconds and printed in milliseconds.
 */
final class BenchStats {

    /** Longest latency tracked exactly: one hour; longer ones are clamped to it. */
    private static final long MAX_LATENCY_US = TimeUnit.HOURS.toMicros(1);

    private final String name;
    private final PrintWriter out;
    private final Recorder recorder = new Recorder(MAX_LATENCY_US, 3);
    private final LongAdder messages = new LongAdder();
    private final LongAdder bytes = new LongAdder();
    private final LongAdder failures = new LongAdder();
    /** Interval histograms merged so far; guarded by {@code this} (reporter thread and the final summary). */
    private final Histogram total = new Histogram(MAX_LATENCY_US, 3);
    private final long startNs = System.nanoTime();
    /** Written by the reporter thread only. */
    private long lastReportNs = startNs;
    private long lastReportMessages;
    private long lastReportBytes;
    private ScheduledExecutorService reporter;

    BenchStats(String name, PrintWriter out) {
        this.name = name;
        this.out = out;
    }

    /** One message (or a batch of {@code count}) done, taking {@code latencyUs}. */
    void record(int count, long messageBytes, long latencyUs) {
        recorder.recordValue(Math.max(0, Math.min(latencyUs, MAX_LATENCY_US)));
        messages.add(count);
        bytes.add(messageBytes);
    }

    void failed(int count) {
        failures.add(count);
    }

    long messages() {
        return messages.sum();
    }

    long failures() {
        return failures.sum();
    }

    /** Starts printing a progress line every {@code intervalMs} on thread {@code tidemq-bench-report}. */
    void startReporting(long intervalMs) {
        reporter = Executors.newSingleThreadScheduledExecutor(NamedThreadFactory.single("tidemq-bench-report", true));
        reporter.scheduleAtFixedRate(this::report, intervalMs, intervalMs, TimeUnit.MILLISECONDS);
    }

    private void report() {
        try {
            long now = System.nanoTime();
            long msgs = messages.sum();
            long b = bytes.sum();
            double secs = (now - lastReportNs) / 1e9;
            Histogram h = merge();
            out.println(String.format(Locale.ROOT, "[%7.1fs] %,10.0f msgs/s  %8.2f MB/s  p99 %.3f ms  total %,d  failed %,d",
                    (now - startNs) / 1e9, (msgs - lastReportMessages) / secs, (b - lastReportBytes) / secs / 1e6,
                    h.getValueAtPercentile(99) / 1000.0, msgs, failures.sum()));
            out.flush();
            lastReportNs = now;
            lastReportMessages = msgs;
            lastReportBytes = b;
        } catch (RuntimeException e) {
            out.println("progress report failed: " + e);
        }
    }

    private synchronized Histogram merge() {
        total.add(recorder.getIntervalHistogram());
        return total.copy();
    }

    /** Stops the progress lines and prints the summary; {@code what} says what the latency measures. */
    void finish(String what) {
        if (reporter != null) {
            reporter.shutdownNow();
            try {
                reporter.awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        out.print(summary(what));
        out.flush();
    }

    /** One line: {@code what}, messages, seconds and msgs/s so far (a warm-up's account). */
    String oneLine(String what) {
        double secs = Math.max(1e-9, (System.nanoTime() - startNs) / 1e9);
        long msgs = messages.sum();
        return String.format(Locale.ROOT, "%s: %,d messages in %.2f s (%,.0f msgs/s, %,d failed)",
                what, msgs, secs, msgs / secs, failures.sum());
    }

    String summary(String what) {
        double secs = Math.max(1e-9, (System.nanoTime() - startNs) / 1e9);
        Histogram h = merge();
        long msgs = messages.sum();
        return String.format(Locale.ROOT, "%s summary%n"
                        + "  total       %,d messages in %.2f s (%,d failed)%n"
                        + "  throughput  %,.0f msgs/s, %.2f MB/s%n"
                        + "  %-11s p50 %.3f ms, p99 %.3f ms, p999 %.3f ms, max %.3f ms%n",
                name, msgs, secs, failures.sum(), msgs / secs, bytes.sum() / secs / 1e6, what,
                h.getValueAtPercentile(50) / 1000.0, h.getValueAtPercentile(99) / 1000.0,
                h.getValueAtPercentile(99.9) / 1000.0, h.getMaxValue() / 1000.0);
    }
}
