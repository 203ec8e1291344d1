package io.tidemq.cli;

import picocli.CommandLine.Option;

/** How long a benchmark runs: a number of messages or a number of seconds (exactly one). */
final class BenchDuration {

    @Option(names = "--count", paramLabel = "N", required = true, description = "Stop after N messages.")
    Long count;

    @Option(names = "--seconds", paramLabel = "S", required = true, description = "Stop after S seconds.")
    Long seconds;

    /** The deadline in System.nanoTime() terms, or Long.MAX_VALUE with --count. */
    long deadlineNs(long startNs) {
        return seconds == null ? Long.MAX_VALUE : startNs + seconds * 1_000_000_000L;
    }

    String describe() {
        return count != null ? count + " messages" : seconds + " s";
    }
}
