package io.tidemq.it.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** Where child JVM logs go: {@code target/it-logs/<TestClass>/}, emptied when a test class starts. */
public final class ItLogs {

    private ItLogs() {
    }

    public static Path forClass(Class<?> testClass) {
        Path dir = Path.of("target", "it-logs", testClass.getSimpleName()).toAbsolutePath();
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
