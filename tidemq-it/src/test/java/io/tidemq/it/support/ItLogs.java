package io.tidemq.it.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * Where child JVM logs go: {@code target/it-logs/<TestClass>/}, emptied the first time a test JVM asks for
 * it, so the logs of every test of the class survive for diagnosis.
 */
public final class ItLogs {

    /** Directories already emptied by this JVM; concurrent in case test classes run in parallel. */
    private static final Set<Path> PREPARED = ConcurrentHashMap.newKeySet();

    private ItLogs() {
    }

    public static Path forClass(Class<?> testClass) {
        Path dir = Path.of("target", "it-logs", testClass.getSimpleName()).toAbsolutePath();
        if (!PREPARED.add(dir)) {
            return dir;
        }
        try {
            if (Files.exists(dir)) {
                try (Stream<Path> files = Files.walk(dir)) {
                    files.sorted(Comparator.reverseOrder()).filter(p -> !p.equals(dir)).forEach(ItLogs::delete);
                }
            }
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare log directory " + dir, e);
        }
        return dir;
    }

    private static void delete(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete old log " + p, e);
        }
    }
}
