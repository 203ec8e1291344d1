package io.tidemq.it.support;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/** Runs one {@code tidemq ...} command (the CLI main) in a child JVM and collects what it printed. */
public final class Cli {

    /**
     * Client commands are short-lived: C1 only starts faster and is fast enough. WARN logs, as bin/tidemq
     * gives a user (the test logback file would otherwise log INFO).
     */
    private static final List<String> CLI_JVM_ARGS = List.of("-Xmx128m", "-XX:TieredStopAtLevel=1",
            "-Dtidemq.it.log.level=WARN");

    private final Path logDir;
    /** Numbers the runs so each gets its own log file; test thread only. */
    private int runs;

    public Cli(Path logDir) {
        this.logDir = logDir;
    }

    /** Runs {@code tidemq args...} and waits for it to exit; fails if it runs longer than {@code timeout}. */
    public Result run(Duration timeout, String... args) {
        JvmProcess p = start(args);
        try {
            if (!p.waitForExit(timeout)) {
                throw new IllegalStateException("tidemq " + String.join(" ", args) + " still runs after " + timeout
                        + "; see " + p.logFile());
            }
            return new Result(p.exitValue(), List.copyOf(p.lines()), p.logFile());
        } finally {
            p.close();
        }
    }

    /**
     * Starts {@code tidemq args...} without waiting, for commands that run until signalled; the caller closes
     * the process (which kills it if still running).
     */
    public JvmProcess start(String... args) {
        String name = String.format("cli-%02d-%s", ++runs, String.join("-", List.of(args).subList(0,
                Math.min(args.length, args[0].equals("admin") ? 3 : 1))));
        return JvmProcess.start(name, logDir, CLI_JVM_ARGS, ServerNode.MAIN, args);
    }

    /** Exit code and the lines printed on stdout and stderr (merged, in order). */
    public record Result(int exitCode, List<String> lines, Path logFile) {

        public List<String> matching(Pattern pattern) {
            return lines.stream().filter(l -> pattern.matcher(l).matches()).collect(Collectors.toList());
        }

        public String text() {
            return String.join("\n", lines);
        }

        @Override
        public String toString() {
            return "exit " + exitCode + " (log " + logFile + "):\n" + text();
        }
    }
}
