package io.tidemq.it.support;

import java.nio.charset.StandardCharsets;

/**
 * Message bodies that carry a sequence number and a filler derived from it, so a consumer can tell which
 * message it got and that the bytes are the ones sent: {@code seq=<n>;<filler>}.
 */
public final class Bodies {

    private static final int FILLER_CHARS = 48;

    private Bodies() {
    }

    public static byte[] of(int seq) {
        return (prefix(seq) + filler(seq)).getBytes(StandardCharsets.UTF_8);
    }

    /** The sequence number of {@code body}; throws if the body is not exactly what {@link #of} wrote. */
    public static int seqOf(byte[] body) {
        String s = new String(body, StandardCharsets.UTF_8);
        int semi = s.indexOf(';');
        if (!s.startsWith("seq=") || semi < 0) {
            throw new IllegalArgumentException("not a test body: " + abbreviate(s));
        }
        int seq = Integer.parseInt(s.substring(4, semi));
        if (!s.equals(prefix(seq) + filler(seq))) {
            throw new IllegalArgumentException("corrupt body for seq " + seq + ": " + abbreviate(s));
        }
        return seq;
    }

    private static String prefix(int seq) {
        return "seq=" + seq + ";";
    }

    private static String filler(int seq) {
        String hex = Integer.toHexString(seq * 31 + 7);
        StringBuilder sb = new StringBuilder(FILLER_CHARS);
        while (sb.length() < FILLER_CHARS) {
            sb.append(hex).append('-');
        }
        return sb.substring(0, FILLER_CHARS);
    }

    private static String abbreviate(String s) {
        return s.length() <= 80 ? s : s.substring(0, 80) + "...";
    }
}
