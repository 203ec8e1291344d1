package io.tidemq.cli;

/** Generated message bodies. */
final class Payloads {

    private Payloads() {
    }

    /** {@code size} printable bytes (a-z repeated), so a consumer printing bodies shows readable text. */
    static byte[] filled(int size) {
        byte[] b = new byte[size];
        for (int i = 0; i < size; i++) {
            b[i] = (byte) ('a' + i % 26);
        }
        return b;
    }
}
