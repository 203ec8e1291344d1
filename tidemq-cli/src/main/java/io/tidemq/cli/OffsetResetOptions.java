package io.tidemq.cli;

import io.tidemq.client.admin.OffsetResetSpec;
import picocli.CommandLine;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Where {@code admin group reset-offsets} moves the offsets: exactly one of these options. */
final class OffsetResetOptions {

    @Option(names = "--to-earliest", required = true, description = "The oldest message still kept (consume everything again).")
    boolean earliest;

    @Option(names = "--to-latest", required = true, description = "The end of each queue (skip everything stored so far).")
    boolean latest;

    @Option(names = "--to-offset", paramLabel = "N", required = true, description = "Offset N on every queue.")
    Long offset;

    @Option(names = "--to-time", paramLabel = "TIME", required = true,
            description = "The first message stored at or after TIME: ISO-8601 (2026-12-03T10:00:00Z,"
                    + " 2026-12-03T11:00:00+01:00) or epoch milliseconds.")
    String time;

    @Option(names = "--by-duration", paramLabel = "DURATION", required = true,
            description = "The first message stored at or after now minus DURATION: 30s, 10m, 2h, 1d or ISO-8601 (PT10M).")
    String duration;

    @Option(names = "--shift-by", paramLabel = "N", required = true,
            description = "The committed offset plus N (negative N goes back; the queue's minimum where nothing is committed).")
    Long shift;

    @Option(names = "--from-file", paramLabel = "FILE", required = true,
            description = "Offsets per queue, one 'topic,broker,queue,offset' line each (as written by --export);"
                    + " queues not listed keep their offset.")
    Path file;

    /** @throws CommandLine.ParameterException naming the option whose value is malformed */
    OffsetResetSpec spec(CommandLine cl, String topic) {
        try {
            if (earliest) {
                return OffsetResetSpec.earliest();
            }
            if (latest) {
                return OffsetResetSpec.latest();
            }
            if (offset != null) {
                return OffsetResetSpec.offset(offset);
            }
            if (time != null) {
                return OffsetResetSpec.time(parseTime(cl, "--to-time", time));
            }
            if (duration != null) {
                return OffsetResetSpec.duration(parseDuration(cl, "--by-duration", duration));
            }
            if (shift != null) {
                return OffsetResetSpec.shift(shift);
            }
            return OffsetResetSpec.file(readFile(cl, topic));
        } catch (IllegalArgumentException | io.tidemq.client.InvalidArgumentException e) {
            throw new CommandLine.ParameterException(cl, e.getMessage());
        }
    }

    /** ISO-8601 with a zone or offset, or epoch milliseconds. */
    static long parseTime(CommandLine cl, String option, String value) {
        String v = value.trim();
        if (v.matches("\\d+")) {
            return Long.parseLong(v);
        }
        try {
            return Instant.parse(v).toEpochMilli();
        } catch (DateTimeParseException e) {
            try {
                return OffsetDateTime.parse(v).toInstant().toEpochMilli();
            } catch (DateTimeParseException e2) {
                throw new CommandLine.ParameterException(cl, option + " '" + value + "' is not a time: give ISO-8601"
                        + " with a zone, e.g. 2026-12-03T10:00:00Z, or epoch milliseconds");
            }
        }
    }

    /** {@code 30s}, {@code 10m}, {@code 2h}, {@code 1d}, {@code 500ms}, or ISO-8601 ({@code PT10M}). */
    static Duration parseDuration(CommandLine cl, String option, String value) {
        String v = value.trim().toLowerCase(Locale.ROOT);
        try {
            if (v.startsWith("p")) {
                return Duration.parse(v.toUpperCase(Locale.ROOT));
            }
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("(\\d+)(ms|s|m|h|d)").matcher(v);
            if (m.matches()) {
                long n = Long.parseLong(m.group(1));
                return switch (m.group(2)) {
                    case "ms" -> Duration.ofMillis(n);
                    case "s" -> Duration.ofSeconds(n);
                    case "m" -> Duration.ofMinutes(n);
                    case "h" -> Duration.ofHours(n);
                    default -> Duration.ofDays(n);
                };
            }
        } catch (DateTimeParseException | ArithmeticException | NumberFormatException e) {
            // reported below
        }
        throw new CommandLine.ParameterException(cl, option + " '" + value + "' is not a duration: give e.g. 30s, 10m,"
                + " 2h, 1d or PT10M");
    }

    private Map<String, Long> readFile(CommandLine cl, String topic) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new CommandLine.ParameterException(cl, "--from-file " + file + " cannot be read: " + e.getMessage());
        }
        Map<String, Long> offsets = new LinkedHashMap<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).trim();
            if (line.isEmpty() || line.startsWith("#") || line.toLowerCase(Locale.ROOT).startsWith("topic,")) {
                continue;
            }
            String[] f = line.split(",");
            String where = "--from-file " + file + " line " + (i + 1);
            if (f.length != 4) {
                throw new CommandLine.ParameterException(cl, where + " '" + line + "' is not 'topic,broker,queue,offset'");
            }
            if (!f[0].trim().equals(topic)) {
                throw new CommandLine.ParameterException(cl, where + " is for topic '" + f[0].trim() + "', not --topic "
                        + topic);
            }
            try {
                offsets.put(OffsetResetSpec.queueKey(f[1].trim(), Integer.parseInt(f[2].trim())),
                        Long.parseLong(f[3].trim()));
            } catch (NumberFormatException e) {
                throw new CommandLine.ParameterException(cl, where + " '" + line + "': queue and offset must be numbers");
            }
        }
        return offsets;
    }
}
