package io.tidemq.it.support;

import io.tidemq.cli.StandaloneCommand;
import io.tidemq.cli.TideMq;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A class-data-sharing archive (JDK 17 dynamic AppCDS) of the classes a standalone loads, made once per test JVM and
 * mapped by every child JVM it starts. On this 2-core machine a broker child took about 3.5 s of CPU to print its
 * ready line with the default compilers, 2.0 s with C1 only and 1.4 s with C1 and this archive; the HA tests restart
 * children in loops, so this is most of their time.
 *
 * <p>CDS archives only classes from jars and refuses a class path with a non-empty directory at dump time, so the
 * archive is dumped with the jars of this JVM's class path and children run with those jars first and the
 * directories (test classes) after them. When the archive cannot be made (a class path of directories only, as in
 * {@code mvn test} without packaged modules) children run with this JVM's class path unchanged and no archive.
 * {@code -Dtidemq.it.cds=false} turns it off.
 */
final class ServerClassArchive {

    /** The options and class path of a child JVM. */
    record ChildJvm(List<String> options, String classPath) {
    }

    private static final Object LOCK = new Object();
    /** Made on first use; guarded by {@link #LOCK}. */
    private static ChildJvm child;

    private ServerClassArchive() {
    }

    static ChildJvm child() {
        synchronized (LOCK) {
            if (child == null) {
                child = make();
            }
            return child;
        }
    }

    private static ChildJvm make() {
        String classPath = System.getProperty("java.class.path");
        ChildJvm plain = new ChildJvm(List.of(), classPath);
        if (!Boolean.parseBoolean(System.getProperty("tidemq.it.cds", "true"))) {
            return plain;
        }
        List<String> jars = new ArrayList<>();
        List<String> others = new ArrayList<>();
        for (String entry : classPath.split(File.pathSeparator)) {
            (entry.endsWith(".jar") && Files.isRegularFile(Path.of(entry)) ? jars : others).add(entry);
        }
        String jarPath = String.join(File.pathSeparator, jars);
        if (!jarPath.contains("tidemq-cli")) {
            return plain; // the servers' classes are in directories: nothing worth archiving
        }
        try {
            Path dir = Files.createDirectories(Path.of("target", "cds")).toAbsolutePath();
            Path archive = dir.resolve("servers-" + ProcessHandle.current().pid() + ".jsa");
            Path data = Files.createTempDirectory(dir, "training-");
            Path log = dir.resolve("training-" + ProcessHandle.current().pid() + ".log");
            Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-XX:ArchiveClassesAtExit=" + archive,
                    "-cp", jarPath, TideMq.class.getName(), "standalone", "--data", data.toString(),
                    "--namesrv-port", "0", "--broker-port", "0", "--console-port", "0", "--metrics-port", "-1",
                    "--insecure-console").redirectErrorStream(true).start();
            Thread reaper = new Thread(p::destroyForcibly, "it-cds-training-reaper");
            Runtime.getRuntime().addShutdownHook(reaper);
            CompletableFuture<Boolean> ready = new CompletableFuture<>();
            Thread reader = new Thread(() -> copyOutput(p, log, ready), "it-cds-training-output");
            reader.setDaemon(true);
            reader.start();
            try {
                if (Boolean.TRUE.equals(ready.get(120, TimeUnit.SECONDS))) {
                    p.destroy(); // SIGTERM: the standalone stops cleanly, then the JVM writes the archive
                }
                if (!p.waitFor(120, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                }
            } catch (InterruptedException e) {
                p.destroyForcibly();
                Thread.currentThread().interrupt();
                return plain;
            } catch (Exception e) {
                p.destroyForcibly(); // no ready line in time: no archive
            }
            Runtime.getRuntime().removeShutdownHook(reaper);
            if (!Files.isRegularFile(archive) || Files.size(archive) == 0) {
                return plain;
            }
            List<String> paths = new ArrayList<>(jars);
            paths.addAll(others);
            // -Xlog:cds*=off: an archive a child cannot map is skipped silently (CLI tests compare the output)
            return new ChildJvm(List.of("-XX:SharedArchiveFile=" + archive, "-Xlog:cds*=off"),
                    String.join(File.pathSeparator, paths));
        } catch (IOException e) {
            return plain;
        }
    }

    /** Copies the training child's output to {@code log}; completes {@code ready} at its ready line or its end. */
    private static void copyOutput(Process p, Path log, CompletableFuture<Boolean> ready) {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
             PrintWriter out = new PrintWriter(Files.newBufferedWriter(log), true)) {
            String line;
            while ((line = in.readLine()) != null) {
                out.println(line);
                if (line.startsWith(StandaloneCommand.READY_LINE)) {
                    ready.complete(true);
                }
            }
        } catch (IOException e) {
            // the archive check below decides
        } finally {
            ready.complete(false);
        }
    }
}
