package io.tidemq.console;

import io.tidemq.common.json.Json;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Instant;

/**
 * The record of what changed a cluster through the console (offset resets): one JSON line per action, appended to
 * {@code <data>/console/audit.log} (who, when, what, and the details), and logged. Without a file (a console with
 * login off and no data directory) it only logs. Writes are serialized by {@code this}.
 */
public final class AuditLog {

    private static final Logger log = LoggerFactory.getLogger("io.tidemq.console.audit");

    /** One line: when, who, what, and the details (the executed plan). */
    public record Entry(String at, String user, String action, Object details) {
    }

    private final Path file;
    private final Clock clock;

    public AuditLog(Path file, Clock clock) {
        this.file = file;
        this.clock = clock;
    }

    public synchronized void record(String user, String action, Object details) {
        Entry e = new Entry(Instant.ofEpochMilli(clock.millis()).toString(), user, action, details);
        log.info("console audit: {} by {}", action, user);
        if (file == null) {
            return;
        }
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            Files.write(file, (new String(Json.toBytes(e), StandardCharsets.UTF_8) + "\n").getBytes(StandardCharsets.UTF_8),
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND, StandardOpenOption.WRITE);
        } catch (IOException ex) {
            log.warn("console audit record not written to {}: {} (the action itself was done)", file, ex.toString());
        }
    }
}
