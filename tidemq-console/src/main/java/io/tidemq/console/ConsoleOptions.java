package io.tidemq.console;

import java.nio.file.Path;
import java.util.List;

/**
 * How a console runs.
 *
 * @param bindAddress      the local address the HTTP server listens on
 * @param port             its port; 0 picks a free one
 * @param namesrvAddrs     the NameServers of the cluster it shows, {@code host:port} each
 * @param usersFile        where the users and their password hashes are kept (created on first start)
 * @param insecure         true turns login off (demos only: anyone reaching the port administers the cluster)
 * @param requestTimeoutMs the limit of each admin request the console makes
 * @param lagSampleIntervalMs how often the console samples every group's lag (lag chart, consume rate, drain time)
 */
public record ConsoleOptions(String bindAddress, int port, List<String> namesrvAddrs, Path usersFile, boolean insecure,
                             long requestTimeoutMs, long lagSampleIntervalMs) {

    /** Samples every 10 s by default. */
    public static final long DEFAULT_LAG_SAMPLE_INTERVAL_MS = 10_000;

    public ConsoleOptions(String bindAddress, int port, List<String> namesrvAddrs, Path usersFile, boolean insecure,
                          long requestTimeoutMs) {
        this(bindAddress, port, namesrvAddrs, usersFile, insecure, requestTimeoutMs, DEFAULT_LAG_SAMPLE_INTERVAL_MS);
    }

    /** The users file of a data directory: {@code <data>/console/users.properties}. */
    public static Path usersFileIn(Path dataDir) {
        return dataDir.resolve("console").resolve("users.properties");
    }

    public ConsoleOptions {
        if (port < 0 || port > 65_535) {
            throw new IllegalArgumentException("the console port must be in [0, 65535], was " + port);
        }
        if (namesrvAddrs == null || namesrvAddrs.isEmpty()) {
            throw new IllegalArgumentException("give the console at least one NameServer address (host:port)");
        }
        namesrvAddrs = List.copyOf(namesrvAddrs);
        if (lagSampleIntervalMs <= 0) {
            throw new IllegalArgumentException("the lag sample interval must be positive, was " + lagSampleIntervalMs);
        }
        if (!insecure && usersFile == null) {
            throw new IllegalArgumentException("a console with login needs a users file");
        }
    }
}
