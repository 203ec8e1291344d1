package io.tidemq.common;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** The TideMQ version this build was made as, read once from the {@code version.properties} the build filled in. */
public final class TideMqVersion {

    /** What {@link #current()} answers when the classes were not built by Maven (an IDE run, say). */
    public static final String UNKNOWN = "unknown";

    private static final String CURRENT = read();

    private TideMqVersion() {
    }

    /** The project version, e.g. {@code 0.1.0-SNAPSHOT}, or {@link #UNKNOWN}. */
    public static String current() {
        return CURRENT;
    }

    private static String read() {
        Properties p = new Properties();
        try (InputStream in = TideMqVersion.class.getResourceAsStream("version.properties")) {
            if (in != null) {
                p.load(in);
            }
        } catch (IOException e) {
            return UNKNOWN;
        }
        String v = p.getProperty("version");
        return v == null || v.isBlank() || v.startsWith("${") ? UNKNOWN : v.trim();
    }
}
