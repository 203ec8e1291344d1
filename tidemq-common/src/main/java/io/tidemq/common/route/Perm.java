package io.tidemq.common.route;

/** Topic and broker permission bits. */
public final class Perm {

    public static final int READ = 1 << 2;
    public static final int WRITE = 1 << 1;
    public static final int READ_WRITE = READ | WRITE;

    private Perm() {
    }

    public static boolean isReadable(int perm) {
        return (perm & READ) != 0;
    }

    public static boolean isWritable(int perm) {
        return (perm & WRITE) != 0;
    }

    public static String toString(int perm) {
        return (isReadable(perm) ? "R" : "-") + (isWritable(perm) ? "W" : "-");
    }
}
