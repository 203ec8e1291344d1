package io.tidemq.store.file;

import io.tidemq.common.concurrent.ServiceThread;
import io.tidemq.store.api.DiskFullException;
import io.tidemq.store.api.FileIo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Creates, allocates and warms CommitLog files ahead of need on the {@code tidemq-allocate-mappedfile} thread.
 * When an appender rolls to file N it asks for N and N+1: N was requested at the previous roll and is normally
 * mapped already, N+1 is mapped in the background while N fills, so an append never waits for a 1 GiB file.
 *
 * <p>A file is handed out as soon as it is mapped, before its blocks are allocated. This thread then allocates
 * it, so a full disk is an {@code IOException}, never a SIGBUS: whole, at once, where {@link FileIo#reserve}
 * can ({@code fallocate}, nothing written); otherwise with zeros written through the channel in 1 MiB chunks, at
 * most {@link #ALLOCATE_AHEAD_BYTES} past the appender's write position. Either way it write-touches the
 * allocated pages above the write position (see {@link MappedFile#allocateAheadStep}); when it is that far ahead
 * it parks until the appender has used half of the distance. The appender allocates a chunk itself only when it
 * overtakes this thread ({@link MappedFile#ensureAllocated}).
 */
public final class AllocateMappedFileService implements AutoCloseable {

    /**
     * How far past the write position a file is allocated: 32 MiB, about 50 ms of appending at 650 MB/s, the
     * fastest single appender measured (docs/benchmarks.md). Far enough that scheduling delays of this thread do
     * not let the appender catch up; near enough that allocation runs only as fast as the appender writes (the
     * whole file at full speed competed with the appender for CPU and, in SYNC mode, filled the page cache with
     * dirty zeros), and that a crash leaves at most this much allocated past the data.
     */
    public static final int ALLOCATE_AHEAD_BYTES = 32 << 20;

    private static final Logger log = LoggerFactory.getLogger(AllocateMappedFileService.class);
    private static final long WAIT_WARN_MS = 5_000;
    /** Longest wait while nothing is to be done; a request or a nearing appender wakes it sooner. */
    private static final long IDLE_WAIT_MS = 100;

    private record Request(Path path, int fileSizeBytes, CompletableFuture<MappedFile> result) {
    }

    private final long idleWaitMs;
    private final boolean warmUp;
    private final boolean forceAfterWarmUp;
    private final FileIo io;
    /** Requested files by path; appenders add and claim, the allocator thread completes. */
    private final Map<Path, Request> requests = new ConcurrentHashMap<>();
    /** Requests not yet mapped: appenders add, the allocator thread takes. */
    private final ConcurrentLinkedQueue<Request> pending = new ConcurrentLinkedQueue<>();
    /** Files handed out and not yet allocated whole, oldest first. Allocator thread only. */
    private final ArrayDeque<MappedFile> allocating = new ArrayDeque<>();
    /** How a file's appender wakes this thread when it nears what was done ahead (one instance: no allocation). */
    private final Runnable waker = this::wakeup;
    private final ServiceThread loop = new ServiceThread("tidemq-allocate-mappedfile") {
        @Override
        protected void onLoop() {
            Request request = pending.poll();
            if (request != null) {
                map(request);
                return;
            }
            if (!allocateAhead()) {
                // woken early by a request, by close, and by an appender nearing the end of what was done ahead
                // (MappedFile#allocateAheadStep): all through wakeup(), whose flag only waitForRunning clears (a
                // plain park left the flag set after the first wake-up, so every later one was lost and each
                // request, and close, waited for the park to time out)
                waitForRunning(idleWaitMs);
            }
        }

        @Override
        protected void onStopped() {
            log.info("{} stopped", name());
        }
    };

    /**
     * @param warmUp           touch every page of a new file (ahead of the appender)
     * @param forceAfterWarmUp also force the allocated zeros to disk ahead of the appender (SYNC flush mode)
     */
    public AllocateMappedFileService(boolean warmUp, boolean forceAfterWarmUp) {
        this(warmUp, forceAfterWarmUp, FileIo.DEFAULT);
    }

    /** @param io how files are allocated and forced (a test seam; {@link FileIo#DEFAULT} in production) */
    public AllocateMappedFileService(boolean warmUp, boolean forceAfterWarmUp, FileIo io) {
        this(warmUp, forceAfterWarmUp, io, IDLE_WAIT_MS);
    }

    /** @param idleWaitMs longest wait with nothing to do (tests make it long, to see that wake-ups end it) */
    AllocateMappedFileService(boolean warmUp, boolean forceAfterWarmUp, FileIo io, long idleWaitMs) {
        this.idleWaitMs = idleWaitMs;
        this.io = io;
        this.warmUp = warmUp;
        this.forceAfterWarmUp = forceAfterWarmUp;
    }

    public void start() {
        log.info("{} started", loop.name());
        loop.start();
    }

    /**
     * Returns the file at {@code path}, waiting for it if it is still being created, and queues
     * {@code nextPath} for creation in the background. Falls back to creating the file on the caller's thread
     * when the service is stopped or failed to create it.
     */
    public MappedFile allocate(Path path, Path nextPath, int fileSizeBytes) {
        if (loop.isStopped()) {
            return MappedFile.open(path, fileSizeBytes, io);
        }
        Request request = submit(path, fileSizeBytes);
        if (nextPath != null) {
            submit(nextPath, fileSizeBytes);
        }
        loop.wakeup();
        long waitStartMs = System.currentTimeMillis();
        while (true) {
            try {
                MappedFile file = request.result().get(WAIT_WARN_MS, TimeUnit.MILLISECONDS);
                requests.remove(path);
                return file;
            } catch (TimeoutException e) {
                log.warn("waiting {} ms for {} to be created; the disk may be slow or full",
                        System.currentTimeMillis() - waitStartMs, path);
            } catch (ExecutionException e) {
                requests.remove(path);
                log.warn("background creation of {} failed ({}); creating it on the appending thread", path,
                        e.getCause().toString());
                return MappedFile.open(path, fileSizeBytes, io);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                requests.remove(path);
                throw new IllegalStateException("interrupted while waiting for " + path, e);
            }
        }
    }

    /** Wakes the allocator thread (any thread). */
    private void wakeup() {
        loop.wakeup();
    }

    private Request submit(Path path, int fileSizeBytes) {
        return requests.computeIfAbsent(path, p -> {
            Request r = new Request(p, fileSizeBytes, new CompletableFuture<>());
            pending.add(r);
            return r;
        });
    }

    /** Maps a requested file and hands it out at once; its allocation follows in {@link #allocateAhead}. */
    private void map(Request request) {
        MappedFile file;
        try {
            file = MappedFile.openAllocatingLater(request.path(), request.fileSizeBytes(), io,
                    forceAfterWarmUp);
        } catch (DiskFullException e) {
            log.warn("creating {} ahead of need failed: {}", request.path(), e.getMessage());
            request.result().completeExceptionally(e);
            return;
        } catch (Throwable t) {
            log.error("creating {} failed", request.path(), t);
            request.result().completeExceptionally(t);
            return;
        }
        request.result().complete(file);
        if (!file.isFullyAllocated()) {
            allocating.add(file);
        }
    }

    /**
     * One step on each file being allocated (the one being appended to first).
     *
     * @return whether any step did work (otherwise the thread may park)
     */
    private boolean allocateAhead() {
        boolean worked = false;
        for (Iterator<MappedFile> it = allocating.iterator(); it.hasNext() && !loop.isStopped(); ) {
            MappedFile file = it.next();
            MappedFile.AheadStep step;
            try {
                step = file.allocateAheadStep(ALLOCATE_AHEAD_BYTES, warmUp, forceAfterWarmUp, waker);
            } catch (FileShutDownException e) {
                log.debug("stopped allocating {}: {}", file.path(), e.getMessage());
                step = MappedFile.AheadStep.DONE;
            } catch (DiskFullException e) {
                log.warn("allocating {} ahead of the appender stopped: {}; the appender allocates what it needs"
                        + " (and fails its puts with DISK_FULL until there is room)", file.path(), e.getMessage());
                step = MappedFile.AheadStep.DONE;
            } catch (RuntimeException e) {
                log.warn("allocating {} ahead of the appender failed; the appender allocates what it needs",
                        file.path(), e);
                step = MappedFile.AheadStep.DONE;
            }
            if (step == MappedFile.AheadStep.DONE) {
                it.remove();
            } else if (step == MappedFile.AheadStep.WORKED) {
                worked = true;
            }
        }
        return worked;
    }

    /**
     * Stops the thread (between two chunks: it is never interrupted, so no channel is closed under a write) and
     * deletes files that were created ahead but never claimed, so recovery does not find empty files past the
     * end of the data.
     */
    @Override
    public void close() {
        if (!loop.shutdown(10_000)) {
            log.warn("{} did not stop within 10 s (a chunk write is stuck; the disk may be failing)", loop.name());
        }
        for (Request request : requests.values()) {
            boolean wasPending = request.result().completeExceptionally(new IllegalStateException("allocator stopped"));
            if (!wasPending && !request.result().isCompletedExceptionally()) {
                request.result().join().destroy();
            }
        }
        requests.clear();
        pending.clear();
    }
}
