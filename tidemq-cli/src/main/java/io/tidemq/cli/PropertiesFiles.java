package io.tidemq.cli;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Properties;

/** Reads the Java properties files of {@code tidemq namesrv --config} and {@code tidemq broker --config}. */
final class PropertiesFiles {

    private PropertiesFiles() {
    }

    /** The file's keys and values, trimmed by the Properties format; an absent path gives no keys. */
    static Properties load(Path file) {
        Properties p = new Properties();
        if (file == null) {
            return p;
        }
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(r);
        } catch (NoSuchFileException e) {
            throw new UncheckedIOException("config file " + file.toAbsolutePath() + " does not exist", e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read config file " + file.toAbsolutePath() + ": " + e.getMessage(), e);
        }
        return p;
    }
}
