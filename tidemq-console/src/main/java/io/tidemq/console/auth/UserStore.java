package io.tidemq.console.auth;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;

/**
 * The console's users: {@code user=pbkdf2-sha256:...} lines in a properties file under the data directory
 * (owner-only permissions), holding only salted hashes. On first start, when the file does not exist, it is
 * created with the user {@value #ADMIN} and a random password, which {@link #initialPassword()} hands over once
 * for printing and which is never written anywhere. Immutable after {@link #open}; safe for any thread.
 */
public final class UserStore {

    public static final String ADMIN = "admin";
    /** 18 random bytes: a 24-character URL-safe password, 144 bits. */
    private static final int PASSWORD_BYTES = 18;

    private final Map<String, PasswordHash> users;
    private final Path file;
    private final String initialPassword;
    private UserStore(Map<String, PasswordHash> users, Path file, String initialPassword) {
        this.users = Map.copyOf(users);
        this.file = file;
        this.initialPassword = initialPassword;
    }

    /**
     * Loads {@code file}, or creates it with an admin user and a random password when it does not exist.
     *
     * @throws UncheckedIOException     when it cannot be read or written
     * @throws IllegalArgumentException when a line is not a user and a password hash (the message names the file)
     */
    public static UserStore open(Path file, SecureRandom random) {
        return open(file, random, PasswordHash.DEFAULT_ITERATIONS);
    }

    /** As {@link #open(Path, SecureRandom)}, a new password hashed with {@code iterations} rounds (tests use fewer). */
    static UserStore open(Path file, SecureRandom random, int iterations) {
        if (Files.exists(file)) {
            return new UserStore(load(file), file, null);
        }
        byte[] raw = new byte[PASSWORD_BYTES];
        random.nextBytes(raw);
        String password = java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
        PasswordHash hash = PasswordHash.of(password.toCharArray(), random, iterations);
        write(file, Map.of(ADMIN, hash));
        return new UserStore(Map.of(ADMIN, hash), file, password);
    }

    private static Map<String, PasswordHash> load(Path file) {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(r);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the console users file " + file + ": " + e.getMessage(), e);
        }
        Map<String, PasswordHash> users = new TreeMap<>();
        for (String user : p.stringPropertyNames()) {
            try {
                users.put(user, PasswordHash.decode(p.getProperty(user)));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("the console users file " + file + " has a bad entry for user '"
                        + user + "' (" + e.getMessage() + "); delete the file to create a new admin password at the"
                        + " next start", e);
            }
        }
        return users;
    }

    private static void write(Path file, Map<String, PasswordHash> users) {
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
            Files.deleteIfExists(tmp);
            if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
                Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            } else {
                Files.createFile(tmp);
            }
            try (Writer w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
                w.write("# TideMQ console users: user=salted PBKDF2 hash of the password (the password is not stored)\n");
                for (Map.Entry<String, PasswordHash> e : new TreeMap<>(users).entrySet()) {
                    w.write(e.getKey() + "=" + e.getValue().encode() + "\n");
                }
            }
            try {
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the console users file " + file + ": " + e.getMessage()
                    + "; check that the data directory is writable", e);
        }
    }

    /** Whether {@code user} exists and {@code password} is theirs. Slow on purpose (PBKDF2), also for unknown users. */
    public boolean verify(String user, char[] password) {
        PasswordHash hash = users.get(user);
        if (hash == null) {
            Decoy.HASH.matches(password); // the same work as a wrong password, so user names are not told apart
            return false;
        }
        return hash.matches(password);
    }

    /** Checked against for unknown users; made on first use (class holder idiom), then immutable. */
    private static final class Decoy {
        static final PasswordHash HASH = PasswordHash.of("decoy".toCharArray(), new SecureRandom());
    }

    /** The admin password created by this start, to print once; empty when the file already existed. */
    public Optional<String> initialPassword() {
        return Optional.ofNullable(initialPassword);
    }

    public Path file() {
        return file;
    }
}
