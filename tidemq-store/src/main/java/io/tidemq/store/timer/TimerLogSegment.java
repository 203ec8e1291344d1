package io.tidemq.store.timer;

import io.tidemq.store.StoreIOException;
import io.tidemq.store.file.BufferCleaner;
import io.tidemq.store.file.Durability;
import io.tidemq.store.file.FileIo;

import java.io.IOException;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * One fixed-size, memory-mapped file of the timer log, named by the global position of its first byte
 * (20 digits, like CommitLog files). Entries never straddle two segments: the size is a multiple of
 * {@link TimerLogRecord#BYTES}. Owned by the timer log's single thread.
 */
final class TimerLogSegment {

    private final Path file;
    private final long startPosition;
    private final int sizeBytes;
    private final MappedByteBuffer buffer;
    /** Largest slot time of any entry written here; the segment may go once the delivered cursor passes it. */
    private long maxSlotTimeMs = Long.MIN_VALUE;
    /** Bytes written since the last force, so idle segments are not forced again. */
    private boolean dirty;

    private TimerLogSegment(Path file, long startPosition, int sizeBytes, MappedByteBuffer buffer) {
        this.file = file;
        this.startPosition = startPosition;
        this.sizeBytes = sizeBytes;
        this.buffer = buffer;
    }

    static Path fileFor(Path dir, long startPosition) {
        return dir.resolve(String.format("%020d", startPosition));
    }

    /** Maps the segment starting at {@code startPosition}, creating (and allocating) it when missing. */
    static TimerLogSegment open(Path dir, long startPosition, int sizeBytes) {
        Path file = fileFor(dir, startPosition);
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE)) {
            if (channel.size() != sizeBytes && channel.size() != 0 && isAllZero(channel)) {
                // its creation (the mapping extends the file) was cut by a crash: nothing was written to it
                channel.truncate(0);
            }
            if (channel.size() != sizeBytes && channel.size() != 0) {
                throw new StoreIOException("timer log segment " + file + " is " + channel.size() + " bytes but"
                        + " timerLogSegmentBytes is " + sizeBytes + "; restore the original setting or delete the"
                        + " timer directory (scheduled messages are then re-indexed from TIDEMQ_SYS_TIMER)");
            }
            boolean created = channel.size() == 0;
            if (created) {
                // every block allocated now: a full disk fails here, never as a SIGBUS in a later append
                FileIo.writeZeros(channel, sizeBytes);
            }
            TimerLogSegment segment = new TimerLogSegment(file, startPosition, sizeBytes,
                    channel.map(FileChannel.MapMode.READ_WRITE, 0, sizeBytes));
            if (created) {
                Durability.namespaceChanged(file);
            }
            return segment;
        } catch (IOException e) {
            throw new StoreIOException("cannot map timer log segment " + file + ": " + e.getMessage(), e);
        }
    }

    private static boolean isAllZero(FileChannel channel) throws IOException {
        java.nio.ByteBuffer chunk = java.nio.ByteBuffer.allocate(1 << 16);
        long position = 0;
        while (true) {
            chunk.clear();
            int read = channel.read(chunk, position);
            if (read <= 0) {
                return true;
            }
            for (int i = 0; i < read; i++) {
                if (chunk.get(i) != 0) {
                    return false;
                }
            }
            position += read;
        }
    }

    long startPosition() {
        return startPosition;
    }

    long endPosition() {
        return startPosition + sizeBytes;
    }

    boolean contains(long position) {
        return position >= startPosition && position < endPosition();
    }

    long maxSlotTimeMs() {
        return maxSlotTimeMs;
    }

    void write(long position, TimerLogRecord record) {
        record.writeTo(buffer, (int) (position - startPosition));
        maxSlotTimeMs = Math.max(maxSlotTimeMs, record.slotTimeMs());
        dirty = true;
    }

    /** The entry at a global position inside this segment, or null when none is validly written there. */
    TimerLogRecord read(long position) {
        return TimerLogRecord.readFrom(buffer, (int) (position - startPosition));
    }

    /** Notes a recovered entry's slot time (recovery scan). */
    void noteSlotTime(long slotTimeMs) {
        maxSlotTimeMs = Math.max(maxSlotTimeMs, slotTimeMs);
    }

    /** Zeroes [position, end of written data) so a later scan stops at {@code position}. */
    void truncateFrom(long position) {
        for (int at = (int) (position - startPosition); at < sizeBytes; at += TimerLogRecord.BYTES) {
            if (buffer.getInt(at) == 0) {
                break;
            }
            for (int i = 0; i < TimerLogRecord.BYTES; i += Long.BYTES) {
                buffer.putLong(at + i, 0L);
            }
        }
        dirty = true;
    }

    void force() {
        if (dirty) {
            buffer.force();
            Durability.forced(file, buffer, 0, sizeBytes);
            dirty = false;
        }
    }

    void close() {
        force();
        BufferCleaner.unmap(buffer);
    }

    void delete() {
        BufferCleaner.unmap(buffer);
        try {
            Files.deleteIfExists(file);
            Durability.namespaceChanged(file);
        } catch (IOException e) {
            throw new StoreIOException("cannot delete timer log segment " + file + ": " + e.getMessage(), e);
        }
    }

    @Override
    public String toString() {
        return file.getFileName().toString();
    }
}
