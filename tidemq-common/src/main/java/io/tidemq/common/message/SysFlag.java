package io.tidemq.common.message;

/**
 * Bits of a record's {@code sysFlag}. The store sets the host bits itself; the others are carried for the
 * broker (transactions, compression) and are opaque to the store.
 */
public final class SysFlag {

    /** The body is compressed by the producer. */
    public static final int COMPRESSED = 1;
    /** Transaction state, two bits: 0 = not transactional, see the TRANSACTION_* values. */
    public static final int TRANSACTION_MASK = 0x3 << 2;
    public static final int TRANSACTION_NOT_TYPE = 0;
    public static final int TRANSACTION_PREPARED = 0x1 << 2;
    public static final int TRANSACTION_COMMIT = 0x2 << 2;
    public static final int TRANSACTION_ROLLBACK = 0x3 << 2;
    /**
     * The born host is IPv6: the record's 4-byte born address is 0 and the full address is in the
     * {@code BORN_HOST} property as {@code [address]:port}.
     */
    public static final int BORN_HOST_V6 = 1 << 4;
    /** The store host is IPv6; the full address is in the {@code STORE_HOST} property. */
    public static final int STORE_HOST_V6 = 1 << 5;
    /** Bits the store owns; a caller's sysFlag has them cleared. */
    public static final int STORE_OWNED_MASK = BORN_HOST_V6 | STORE_HOST_V6;

    private SysFlag() {
    }

    public static int transactionType(int sysFlag) {
        return sysFlag & TRANSACTION_MASK;
    }
}
