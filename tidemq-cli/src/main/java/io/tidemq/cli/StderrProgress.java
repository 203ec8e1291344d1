package io.tidemq.cli;

import io.tidemq.client.admin.AdminProgress;

import java.io.PrintWriter;
import java.util.function.LongSupplier;

/**
 * Progress of a long admin command on stderr, so stdout keeps only the data (a table or --json). Prints the first
 * and the last step of each phase and, between them, at most one line per {@link #INTERVAL_MS}:
 * {@code reset-offsets: planning 12/64 queue(s), last broker-a:11}.
 *
 * <p>Not thread-safe: told by the one thread that runs the command.
 */
final class StderrProgress implements AdminProgress {

    static final long INTERVAL_MS = 1_000;

    private final PrintWriter err;
    private final String command;
    private final String unit;
    private final LongSupplier clockMs;
    private long lastPrintMs = Long.MIN_VALUE;

    StderrProgress(PrintWriter err, String command, String unit) {
        this(err, command, unit, System::currentTimeMillis);
    }

    StderrProgress(PrintWriter err, String command, String unit, LongSupplier clockMs) {
        this.err = err;
        this.command = command;
        this.unit = unit;
        this.clockMs = clockMs;
    }

    @Override
    public void step(String phase, int done, int total, String item) {
        long now = clockMs.getAsLong();
        if (done != 1 && done != total && now - lastPrintMs < INTERVAL_MS) {
            return;
        }
        lastPrintMs = now;
        err.println(command + ": " + phase + " " + done + "/" + total + " " + unit + ", last " + item);
        err.flush();
    }
}
