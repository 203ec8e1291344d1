package io.tidemq.common.protocol;

import java.util.function.IntFunction;
import java.util.function.ToIntFunction;

/** Builds the number → constant lookup arrays of {@link RequestCode} and {@link ResponseCode}. */
final class CodeTable {

    /** Codes are small dense numbers; a larger one is a typo that would waste a big array. */
    static final int MAX_CODE = 9_999;

    private CodeTable() {
    }

    /**
     * Indexes constants by their wire number, failing class initialisation on a duplicate or out-of-range
     * number so a clash between two newly added codes cannot reach the wire.
     */
    static <E extends Enum<E>> E[] index(E[] values, ToIntFunction<E> number, IntFunction<E[]> newArray) {
        int max = 0;
        for (E e : values) {
            int n = number.applyAsInt(e);
            if (n < 0 || n > MAX_CODE) {
                throw new IllegalStateException(e.getDeclaringClass().getSimpleName() + "." + e.name()
                        + " has number " + n + "; codes must be in [0, " + MAX_CODE + "]");
            }
            max = Math.max(max, n);
        }
        E[] byNumber = newArray.apply(max + 1);
        for (E e : values) {
            int n = number.applyAsInt(e);
            if (byNumber[n] != null) {
                throw new IllegalStateException(e.getDeclaringClass().getSimpleName() + " number " + n
                        + " is used by both " + byNumber[n].name() + " and " + e.name()
                        + "; give the newer one the next free number");
            }
            byNumber[n] = e;
        }
        return byNumber;
    }
}
