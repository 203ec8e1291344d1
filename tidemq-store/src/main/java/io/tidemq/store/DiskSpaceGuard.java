package io.tidemq.store;

import io.tidemq.common.concurrent.NamedThreadFactory;
import io.tidemq.common.concurrent.ServiceThread;
import io.tidemq.store.api.DiskFullException;
import io.tidemq.store.api.FileIo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;

/**
 * Refuses puts while the store's file system has less than {@code diskReserveBytes} free, so the store never
 * starts a file it cannot finish and the ConsumeQueues, key index, timer files and checkpoint keep room to grow.
 * The {@code tidemq-disk-space} thread re-reads the free space every {@link #CHECK_INTERVAL_MS}; a put only
 * reads a volatile field. A put that met ENOSPC anyway (another process filled the disk) marks the disk full at
 * once; the next check clears it when there is room again, so puts resume without a restart.
 */
final class DiskSpaceGuard implements AutoCloseable {

    static final long CHECK_INTERVAL_MS = 100;

    private static final Logger log = LoggerFactory.getLogger(DiskSpaceGuard.class);

    private final Path storePath;
    private final long reserveBytes;
    private final FileIo io;
    private final ServiceThread loop;
    /** Why puts are refused, or null while there is room. Written by the check thread and by failed puts. */
    private volatile String refusal;
    /**
     * Free bytes needed before puts resume: the reserve, or more after a file of that size could not be
     * allocated. Written by failed puts, reset by the check thread when it clears the refusal.
     */
    private volatile long requiredBytes;

    DiskSpaceGuard(Path storePath, long reserveBytes, FileIo io) {
        this.storePath = storePath;
        this.reserveBytes = reserveBytes;
        this.io = io;
        this.requiredBytes = reserveBytes;
        this.loop = ServiceThread.every("tidemq-disk-space", CHECK_INTERVAL_MS, this::check,
                t -> log.warn("checking free disk space at {} failed", storePath, t));
    }

    void start() {
        check();
        loop.start();
    }

    /** @throws DiskFullException while free space is below the reserve */
    void checkWritable() {
        String reason = refusal;
        if (reason != null) {
            throw new DiskFullException(reason);
        }
    }

    boolean isFull() {
        return refusal != null;
    }

    /** Why puts are refused, or null. */
    String refusal() {
        return refusal;
    }

    /** A put met ENOSPC: refuse puts until a check finds room again. */
    void reportNoSpace(DiskFullException e) {
        requiredBytes = Math.max(reserveBytes, e.requiredBytes());
        if (refusal == null) {
            refusal = e.getMessage();
            log.error("disk full: {}", e.getMessage());
        }
    }

    /** Re-reads the free space and updates the state; the thread calls it, and tests. */
    void check() {
        long usable = io.usableBytes(storePath);
        long required = requiredBytes;
        if (usable < required) {
            if (refusal == null) {
                log.error("disk full: {} bytes free on the disk of {}, below the {} needed (diskReserveBytes={});"
                        + " refusing puts until there is room again (reads continue)", usable, storePath, required,
                        reserveBytes);
            }
            refusal = "the broker's disk is full: " + usable + " bytes free at " + storePath + ", below the "
                    + required + " needed (diskReserveBytes=" + reserveBytes + "). Writes are refused until space is freed (delete old"
                    + " data, lower retentionHours or add disk); they resume by themselves. Send to another broker"
                    + " meanwhile.";
        } else if (refusal != null) {
            log.warn("disk space is back: {} bytes free at {} (needed {}, diskReserveBytes={}); accepting puts again",
                    usable, storePath, required, reserveBytes);
            requiredBytes = reserveBytes;
            refusal = null;
        }
    }

    @Override
    public void close() {
        loop.shutdown(1_000);
    }
}
