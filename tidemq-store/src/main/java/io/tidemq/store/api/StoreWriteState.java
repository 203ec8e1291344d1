package io.tidemq.store.api;

/** Whether the store accepts puts, and if not why (see {@link MessageStore#writeState()}). */
public enum StoreWriteState {
    /** Puts are accepted. */
    WRITABLE,
    /** Free space is below {@code diskReserveBytes} (or a new file could not be allocated); clears by itself. */
    DISK_FULL,
    /** An fsync failed; puts are refused until restart (fail-stop). */
    FSYNC_FAILED
}
