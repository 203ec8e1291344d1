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
 */
public record ConsoleOptions(String bindAddress, int port, List<String> namesrvAddrs, Path usersFile, boolean insecure,
                             long requestTimeoutMs) {

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
        if (!insecure && usersFile == null) {
            throw new IllegalArgumentException("a console with login needs a users file");
        }
    }
}
