package io.tidemq.store.file;

import io.tidemq.store.DiskFullException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Creates (and warms) mapped files ahead of need on the {@code tidemq-allocate-mappedfile} thread. When an
 * appender rolls to file N it asks for N and N+1: N was requested at the previous roll and is normally ready,
 * N+1 is created in the background while N fills, so an append never waits for a 1 GiB file to be mapped and
 * touched. A file is handed out as soon as it is mapped; its warm-up continues concurrently with appends
 * when the appender gets there first (see {@link MappedFile#warmUp}).
 */
public final class AllocateMappedFileService implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(AllocateMappedFileService.class);
    private static final long WAIT_WARN_MS = 5_000;

    private record Request(Path path, int fileSizeBytes, CompletableFuture<MappedFile> result) {
    }

    private final boolean warmUp;
    private final boolean forceAfterWarmUp;
    private final FileIo io;
    /** Requested files by path; appenders add and claim, the allocator thread completes. */
    private final Map<Path, Request> requests = new ConcurrentHashMap<>();
    private final LinkedBlockingQueue<Request> pending = new LinkedBlockingQueue<>();
    private final Thread thread;
    /** Set once by close(); read by the allocator thread and by callers. */
    private volatile boolean stopped;

    /**
     * @param warmUp           touch every page of a new file (ahead of the appender)
     * @param forceAfterWarmUp also force the touched zero pages to disk (useful in SYNC flush mode)
     */
    public AllocateMappedFileService(boolean warmUp, boolean forceAfterWarmUp) {
        this(warmUp, forceAfterWarmUp, FileIo.DEFAULT);
    }

    /** @param io how files are allocated and forced (a test seam; {@link FileIo#DEFAULT} in production) */
    public AllocateMappedFileService(boolean warmUp, boolean forceAfterWarmUp, FileIo io) {
        this.io = io;
        this.warmUp = warmUp;
        this.forceAfterWarmUp = forceAfterWarmUp;
        this.thread = new Thread(this::run, "tidemq-allocate-mappedfile");
        this.thread.setDaemon(true);
    }

    public void start() {
        thread.start();
    }

    /**
     * Returns the file at {@code path}, waiting for it if it is still being created, and queues
     * {@code nextPath} for creation in the background. Falls back to creating the file on the caller's thread
     * when the service is stopped or failed to create it.
     */
    public MappedFile allocate(Path path, Path nextPath, int fileSizeBytes) {
        if (stopped) {
            return MappedFile.open(path, fileSizeBytes, io);
        }
        Request request = submit(path, fileSizeBytes);
        if (nextPath != null) {
            submit(nextPath, fileSizeBytes);
        }
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

    private Request submit(Path path, int fileSizeBytes) {
        return requests.computeIfAbsent(path, p -> {
            Request r = new Request(p, fileSizeBytes, new CompletableFuture<>());
            pending.add(r);
            return r;
        });
    }

    private void run() {
        log.info("{} started", thread.getName());
        while (!stopped) {
            Request request;
            try {
                request = pending.take();
            } catch (InterruptedException e) {
                break;
            }
            MappedFile file;
            try {
                file = MappedFile.openAllocatingLater(request.path(), request.fileSizeBytes(), io);
            } catch (DiskFullException e) {
                log.warn("creating {} ahead of need failed: {}", request.path(), e.getMessage());
                request.result().completeExceptionally(e);
                continue;
            } catch (Throwable t) {
                log.error("creating {} failed", request.path(), t);
                request.result().completeExceptionally(t);
                continue;
            }
            // Handed out before warming: an appender that fills the previous file faster than this thread can
            // touch pages takes the file at once instead of stalling for the rest of the warm-up, and the
            // warm-up (safe under concurrent appends) carries on ahead of it.
            request.result().complete(file);
            try {
                // the appender may already write at the start; ensureAllocated keeps it below what is allocated
                file.allocateRest(warmUp);
            } catch (DiskFullException e) {
                log.warn("allocating {} ahead of the appender stopped: {}", request.path(), e.getMessage());
                continue;
            } catch (Throwable t) {
                log.warn("allocating {} ahead of the appender failed; the appender allocates what it needs",
                        request.path(), t);
                continue;
            }
            if (warmUp) {
                try {
                    file.warmUp(forceAfterWarmUp);
                } catch (Throwable t) {
                    log.warn("warming {} failed; appends will fault its pages in themselves", request.path(), t);
                }
            }
        }
        log.info("{} stopped", thread.getName());
    }

    /**
     * Stops the thread and deletes files that were created ahead but never claimed, so recovery does not find
     * empty files past the end of the data.
     */
    @Override
    public void close() {
        stopped = true;
        thread.interrupt();
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
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
