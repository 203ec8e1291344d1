package io.tidemq.store.api;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Reserves a file's blocks with {@code fallocate(2)} instead of writing zeros into them: the blocks are allocated
 * (as unwritten extents, read back as zeros), so a write into them through a mapping never needs a new block and
 * a full disk shows up here as ENOSPC, not as a SIGBUS later; and nothing is written, so reserving 1 GiB costs a
 * system call instead of 1 GiB of zeros through the page cache (twice the bytes of the data, on the allocator's
 * CPU and memory bandwidth). Java 17 has no API for it, so this runs the {@code fallocate} command of util-linux
 * (one short process per file, on the allocator thread, off the append path).
 *
 * <p>Threads: any; {@link #missing} is a benign race (at worst a second failed attempt to start the command).
 */
final class Fallocate {

    /** Longest a reservation may take before it counts as failed (the caller then writes zeros). */
    private static final long TIMEOUT_MS = 30_000;
    private static final String COMMAND = "fallocate";

    /** Set once the command could not be started: never try again in this JVM. */
    private static volatile boolean missing;

    private Fallocate() {
    }

    /**
     * Reserves {@code [position, position + length)} of {@code path} (the file grows to cover it if shorter).
     *
     * @return true when reserved; false when it cannot be done here (no {@code fallocate} command, a file system
     *         without support, an interrupt): the caller writes zeros instead
     * @throws IOException with "No space left on device" in its message when the file system is full
     */
    static boolean reserve(Path path, long position, long length) throws IOException {
        if (missing || length <= 0) {
            return length <= 0;
        }
        Process process;
        try {
            process = new ProcessBuilder(COMMAND, "-o", Long.toString(position), "-l", Long.toString(length),
                    path.toString()).redirectErrorStream(true).start();
        } catch (IOException e) {
            missing = true;
            return false;
        }
        try (InputStream out = process.getInputStream()) {
            process.getOutputStream().close();
            String output = new String(out.readNBytes(4096), StandardCharsets.UTF_8).trim();
            if (!process.waitFor(TIMEOUT_MS, TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                return false;
            }
            if (process.exitValue() == 0) {
                return true;
            }
            if (output.contains("No space left on device") || output.contains("Disk quota exceeded")) {
                throw new IOException("No space left on device: reserving " + length + " bytes at " + position
                        + " of " + path + " failed (" + output + ")");
            }
            return false; // e.g. "Operation not supported" (a file system without fallocate)
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
