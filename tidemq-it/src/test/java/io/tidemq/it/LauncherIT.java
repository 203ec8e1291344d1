package io.tidemq.it;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code bin/tidemq} decides by itself whether to build before running: run here in a copy of the project's
 * layout, with stand-ins for {@code mvnw} (records each build, creates the jar only when it is missing, as a
 * real build that does not reach the jar leaves it untouched) and {@code java} (prints its arguments), so
 * each call costs a bash process, not a build.
 */
class LauncherIT {

    private static final String BUILDING = "tidemq: building the distribution";
    private static final Path LAUNCHER = Path.of(System.getProperty("basedir", ".")).toAbsolutePath().getParent()
            .resolve("bin").resolve("tidemq");

    @TempDir
    Path home;

    private Path jar;
    private Path builds;

    private record Run(int exitCode, String output) {
    }

    @BeforeEach
    void layOutAProject() throws IOException {
        Files.createDirectories(home.resolve("bin"));
        Files.copy(LAUNCHER, home.resolve("bin/tidemq"));
        executable(home.resolve("bin/tidemq"));
        builds = home.resolve("builds.log");
        jar = home.resolve("tidemq-cli/target/tidemq-cli.jar");
        Files.writeString(home.resolve("mvnw"), """
                #!/usr/bin/env bash
                echo "build $*" >> builds.log
                mkdir -p tidemq-cli/target
                [ -f tidemq-cli/target/tidemq-cli.jar ] || echo jar > tidemq-cli/target/tidemq-cli.jar
                """);
        executable(home.resolve("mvnw"));
        Files.writeString(home.resolve("java"), "#!/usr/bin/env bash\necho \"ran $*\"\n");
        executable(home.resolve("java"));
        Files.writeString(home.resolve("pom.xml"), "<project/>\n");
        Files.createDirectories(home.resolve("tidemq-cli/src/main/java"));
        Files.writeString(home.resolve("tidemq-cli/src/main/java/A.java"), "class A {}\n");
        age(home.resolve("pom.xml"), 2_000);
        age(home.resolve("tidemq-cli/src/main/java/A.java"), 2_000);
    }

    @Test
    void buildsWhenASourceOrPomChangedAndNeverForBuildOutput() throws Exception {
        assertBuilt(tidemq(), 1);

        // what `./mvnw verify` leaves behind: sources generated under target/, newer than the jar
        age(jar, 1_000);
        Path generated = home.resolve("tidemq-benchmarks/target/generated-sources/annotations/G.java");
        Files.createDirectories(generated.getParent());
        Files.writeString(generated, "class G {}\n");
        age(generated, 500);
        assertNotBuilt(tidemq(), 1);
        assertNotBuilt(tidemq(), 1);

        // a changed source builds once, even when the build does not touch the jar
        age(home.resolve("tidemq-cli/src/main/java/A.java"), 100);
        assertBuilt(tidemq(), 2);
        assertNotBuilt(tidemq(), 2);

        age(jar, 1_000);
        age(home.resolve("pom.xml"), 100);
        assertBuilt(tidemq(), 3);
        assertNotBuilt(tidemq(), 3);
    }

    private Run tidemq() throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(home.resolve("bin/tidemq").toString(), "--version")
                .directory(home.toFile()).redirectErrorStream(true);
        pb.environment().put("JAVA", home.resolve("java").toString());
        Process p = pb.start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        return new Run(p.exitValue(), output);
    }

    private void assertBuilt(Run run, int buildsSoFar) throws IOException {
        assertThat(run.exitCode()).as(run.output()).isZero();
        assertThat(run.output()).contains(BUILDING).contains("ran ").contains("--version");
        assertThat(Files.readAllLines(builds)).hasSize(buildsSoFar);
    }

    private void assertNotBuilt(Run run, int buildsSoFar) throws IOException {
        assertThat(run.exitCode()).as(run.output()).isZero();
        assertThat(run.output()).doesNotContain(BUILDING).contains("ran ").contains("--version");
        assertThat(Files.readAllLines(builds)).hasSize(buildsSoFar);
    }

    /** Sets {@code file}'s modification time to {@code seconds} ago. */
    private static void age(Path file, long seconds) throws IOException {
        Files.setLastModifiedTime(file, FileTime.from(Instant.now().minusSeconds(seconds)));
    }

    private static void executable(Path file) throws IOException {
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
    }
}
