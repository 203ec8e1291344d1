package io.tidemq.console.auth;

import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;

/**
 * A salted PBKDF2-HMAC-SHA256 password hash, written {@code pbkdf2-sha256:<iterations>:<salt>:<hash>} (salt and
 * hash in Base64). Only this text is stored; the password never is. Immutable.
 *
 * @param iterations PBKDF2 rounds
 * @param salt       random salt, {@value #SALT_BYTES} bytes
 * @param hash       the derived key, {@value #HASH_BYTES} bytes
 */
public record PasswordHash(int iterations, byte[] salt, byte[] hash) {

    /** OWASP's 2023 recommendation for PBKDF2-HMAC-SHA256. */
    public static final int DEFAULT_ITERATIONS = 210_000;
    static final int SALT_BYTES = 16;
    static final int HASH_BYTES = 32;
    private static final String PREFIX = "pbkdf2-sha256";
    private static final String ALGORITHM = "PBKDF2WithHmacSHA256";

    /** Hashes {@code password} with a fresh random salt. */
    public static PasswordHash of(char[] password, SecureRandom random) {
        return of(password, random, DEFAULT_ITERATIONS);
    }

    /** Hashes with {@code iterations} rounds (tests use fewer; the stored form records the count). */
    static PasswordHash of(char[] password, SecureRandom random, int iterations) {
        byte[] salt = new byte[SALT_BYTES];
        random.nextBytes(salt);
        return new PasswordHash(iterations, salt, derive(password, salt, iterations));
    }

    /** Whether {@code password} is the one hashed here (constant-time comparison). */
    public boolean matches(char[] password) {
        return MessageDigest.isEqual(hash, derive(password, salt, iterations));
    }

    /** The stored form. */
    public String encode() {
        Base64.Encoder b64 = Base64.getEncoder();
        return PREFIX + ":" + iterations + ":" + b64.encodeToString(salt) + ":" + b64.encodeToString(hash);
    }

    /**
     * Reads the stored form.
     *
     * @throws IllegalArgumentException when {@code text} is not one
     */
    public static PasswordHash decode(String text) {
        String[] parts = text.trim().split(":");
        if (parts.length != 4 || !parts[0].equals(PREFIX)) {
            throw new IllegalArgumentException("not a " + PREFIX + ":<iterations>:<salt>:<hash> password hash");
        }
        try {
            int iterations = Integer.parseInt(parts[1]);
            if (iterations < 1) {
                throw new IllegalArgumentException("iterations must be positive, was " + iterations);
            }
            Base64.Decoder b64 = Base64.getDecoder();
            return new PasswordHash(iterations, b64.decode(parts[2]), b64.decode(parts[3]));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("bad iteration count '" + parts[1] + "'", e);
        }
    }

    private static byte[] derive(char[] password, byte[] salt, int iterations) {
        PBEKeySpec spec = new PBEKeySpec(password, salt, iterations, HASH_BYTES * 8);
        try {
            return SecretKeyFactory.getInstance(ALGORITHM).generateSecret(spec).getEncoded();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(ALGORITHM + " is missing from this JDK", e);
        } finally {
            spec.clearPassword();
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PasswordHash p && p.iterations == iterations && Arrays.equals(p.salt, salt)
                && Arrays.equals(p.hash, hash);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(salt) + Arrays.hashCode(hash);
    }

    @Override
    public String toString() {
        return PREFIX + ":" + iterations + ":(salt and hash hidden)";
    }
}
