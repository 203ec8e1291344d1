package io.tidemq.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

class BenchStoreCommandTest {

    @TempDir
    Path dir;

    @Test
    void anAsyncRunMeasuresExactlyTheCountAndDeletesItsStore() throws IOException {
        Cli.Result r = Cli.exec("bench", "store", "--dir", dir.toString(), "--count", "3000", "--threads", "2",
                "--size", "100", "--file-size", "65536", "--warmup-seconds", "0");

        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out()).contains("records: 3,000 in").contains("records/s").contains("MB/s")
                .contains("p99.9").contains("put failures: 0").doesNotContain("records per fsync");
        assertThat(runDirs()).as("the run's store is deleted").isEmpty();
    }

    @Test
    void aSyncRunReportsFsyncsAndRecordsPerFsync() {
        Cli.Result r = Cli.exec("bench", "store", "--dir", dir.toString(), "--count", "400", "--threads", "8",
                "--flush", "sync", "--size", "64", "--file-size", "1048576", "--warmup-seconds", "0");

        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out()).contains("records: 400 in").containsPattern("fsyncs: [0-9,]+ \\(")
                .containsPattern("records per fsync: [0-9.]+");
    }

    @Test
    void keepLeavesTheStoreForInspection() throws IOException {
        Cli.Result r = Cli.exec("bench", "store", "--dir", dir.toString(), "--count", "10", "--keep",
                "--file-size", "65536", "--warmup-seconds", "0");

        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(runDirs()).singleElement().satisfies(run -> assertThat(run.resolve("commitlog")).isDirectory());
    }

    @Test
    void helpShowsTheOptionsAndAnExample() {
        Cli.Result r = Cli.exec("bench", "store", "--help");

        assertThat(r.out()).startsWith("Usage: tidemq bench store").contains("--flush", "--file-size",
                "--warmup-seconds", "tidemq bench store --flush sync --threads 64");
    }

    @Test
    void countAndSecondsAreExclusiveAndThreadsMustBePositive() {
        assertThat(Cli.exec("bench", "store", "--count", "5", "--seconds", "5").exitCode()).isEqualTo(2);
        Cli.Result r = Cli.exec("bench", "store", "--dir", dir.toString(), "--threads", "0");
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("--threads must be in [1, 4096], was 0");
    }

    private List<Path> runDirs() throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().startsWith("run-")).toList();
        }
    }
}
