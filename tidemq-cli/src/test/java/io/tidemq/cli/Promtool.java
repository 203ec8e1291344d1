package io.tidemq.cli;

import org.junit.jupiter.api.Assumptions;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Prometheus's own checker, {@code promtool} (Debian package {@code prometheus}, installed by {@code .ci/run}):
 * {@code check metrics} parses a scrape with Prometheus's text-format parser and lints its names and types,
 * {@code check rules} parses and type-checks alerting rules. Tests need it on CI; elsewhere they are skipped when
 * it is missing.
 */
final class Promtool {

    /** What promtool said. */
    record Result(int exitCode, String output) {
    }

    private Promtool() {
    }

    static Path path() {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin").split(java.io.File.pathSeparator)) {
            Path p = Path.of(dir, "promtool");
            if (Files.isExecutable(p)) {
                return p;
            }
        }
        return null;
    }

    /** Skips the calling test when promtool is missing, except on CI (CI=true), where that is a failure. */
    static Path require() {
        Path p = path();
        if (p == null && System.getenv("CI") != null) {
            throw new AssertionError("promtool is not installed; .ci/run installs the Debian package 'prometheus'");
        }
        Assumptions.assumeTrue(p != null, "promtool not installed (apt-get install prometheus); skipped");
        return p;
    }

    /** {@code promtool check metrics} on {@code scrape} given on stdin. */
    static Result checkMetrics(String scrape) throws IOException, InterruptedException {
        return run(scrape, "check", "metrics");
    }

    /** {@code promtool check rules FILE}. */
    static Result checkRules(Path file) throws IOException, InterruptedException {
        return run(null, "check", "rules", file.toString());
    }

    private static Result run(String stdin, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(require().toString());
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        try (OutputStream in = p.getOutputStream()) {
            if (stdin != null) {
                in.write(stdin.getBytes(StandardCharsets.UTF_8));
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (InputStream o = p.getInputStream()) {
            o.transferTo(out);
        }
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("promtool " + String.join(" ", args) + " did not finish in 60 s");
        }
        return new Result(p.exitValue(), out.toString(StandardCharsets.UTF_8));
    }
}
