package io.tidemq.store.recovery;

import io.tidemq.store.commitlog.CommitLog;
import io.tidemq.store.commitlog.RecordReader;
import io.tidemq.store.file.MappedFile;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.ByteBuffer;
import java.util.List;

/**
 * Finds the true end of the CommitLog after a start, verifying records by CRC32C.
 */
public final class CommitLogRecovery {

    private static final Logger log = LoggerFactory.getLogger(CommitLogRecovery.class);
    /** Files verified when no checkpoint tells where durable data ended. */
    static final int FILES_TO_VERIFY_WITHOUT_CHECKPOINT = 3;

    /**
     * What recovery did.
     *
     * @param endOffset         the recovered end: new appends start here
     * @param verifiedFromOffset where CRC verification started
     * @param cutFromOffset     start of the torn/corrupt tail that was cut, or -1 when nothing was cut
     * @param cutBytes          how many non-zero bytes the cut discarded (0 when nothing was cut)
     * @param filesDeleted      files past the end that held no valid record and were deleted
     */
    public record Result(long endOffset, long verifiedFromOffset, long cutFromOffset, long cutBytes,
                         int filesDeleted) {
    }

    private final RecordReader reader = new RecordReader();

    /**
     * Recovers the CommitLog's end. The contract:
     * <ol>
     *   <li>Verification starts at the first byte of the file holding the checkpoint's flushed offset, or of the
     *       third-to-last file when there is no usable checkpoint; earlier files were fsynced before the
     *       checkpoint was written and are trusted (their records are still CRC-checked on every read).</li>
     *   <li>Every record from there on is checked: magic, lengths, physical offset, CRC32C over every byte after
     *       the CRC field. A blank marker ends its file.</li>
     *   <li>A bad record that is followed by a valid record (later in its file, found by scanning for the next
     *       record header, or at the start of a later file) is damage in the middle: it is REPORTED (logged
     *       with its offsets, counted in {@code corruptRecords}) and skipped, never cut and never served;
     *       everything after it is kept.</li>
     *   <li>A bad record followed by no valid record anywhere is a torn tail: the log is cut there. The cut is
     *       logged with its offset and byte count, the rest of that file is zeroed (so stale bytes can never be
     *       taken for records by a later recovery) and every later file is deleted.</li>
     *   <li>After a clean shutdown ({@code abnormal == false}) zeroes after the last record end the log without
     *       the full search for later records.</li>
     * </ol>
     * Runs alone, before any append, flush or dispatch.
     */
    public Result recover(CommitLog commitLog, StoreCheckpoint checkpoint, boolean abnormal) {
        List<MappedFile> files = commitLog.files().files();
        if (files.isEmpty()) {
            return new Result(0, 0, -1, 0, 0);
        }
        int startIndex = startIndex(files, checkpoint);
        long verifiedFrom = files.get(startIndex).fileFromOffset();
        log.info("recovering the CommitLog ({} shutdown): verifying {} file(s) from offset {}",
                abnormal ? "ABNORMAL" : "clean", files.size() - startIndex, verifiedFrom);
        long end = -1;
        long cutFrom = -1;
        for (int i = startIndex; i < files.size() && end < 0; i++) {
            MappedFile file = files.get(i);
            ByteBuffer view = file.sliceForRead(0, file.fileSizeBytes());
            long fileFrom = file.fileFromOffset();
            int fileSize = file.fileSizeBytes();
            int position = 0;
            while (position < fileSize) {
                int size = reader.check(view, position, fileFrom);
                if (size > 0) {
                    position += size;
                    continue;
                }
                if (size == RecordReader.BLANK) {
                    position = fileSize;
                    break;
                }
                if (size == RecordReader.END_OF_DATA && !abnormal) {
                    end = fileFrom + position;
                    break;
                }
                String reason = size == RecordReader.CORRUPT ? reader.lastCorruption() : "zeroes where a record was due";
                int next = reader.resync(view, position + 1, fileSize, fileFrom);
                if (next > 0) {
                    commitLog.reportCorruption(fileFrom + position, fileFrom + next, reason);
                    position = next;
                    continue;
                }
                if (laterFileHasData(files, i + 1)) {
                    if (size == RecordReader.CORRUPT || !isZero(view, position, fileSize)) {
                        commitLog.reportCorruption(fileFrom + position, fileFrom + fileSize, reason);
                    } else {
                        commitLog.reportCorruption(fileFrom + position, fileFrom + fileSize,
                                "file ends in zeroes without a blank marker while later files hold data");
                    }
                    position = fileSize;
                    break;
                }
                end = fileFrom + position;
                if (size == RecordReader.CORRUPT) {
                    cutFrom = end;
                }
                break;
            }
            if (end < 0 && i == files.size() - 1) {
                end = fileFrom + position;
            }
        }
        long cutBytes = cutFrom >= 0 ? nonZeroBytesFrom(files, cutFrom) : 0;
        int deleted = countFilesAfter(files, end);
        if (cutFrom >= 0) {
            log.warn("CommitLog torn tail CUT at offset {}: {} non-zero bytes discarded up to the end of the log"
                    + " (a write interrupted by the crash)", cutFrom, cutBytes);
        }
        if (deleted > 0 && cutFrom >= 0) {
            log.warn("deleting {} CommitLog file(s) past the recovered end {}", deleted, end);
        } else if (deleted > 0) {
            // nothing was cut, so the files past the end hold no record: pre-allocated for the next roll
            log.info("deleting {} empty pre-allocated CommitLog file(s) past the recovered end {}", deleted, end);
        }
        commitLog.files().truncateDirty(end);
        commitLog.files().setFlushedWhere(end);
        log.info("CommitLog recovered: end offset {}", end);
        return new Result(end, verifiedFrom, cutFrom, cutBytes, deleted);
    }

    private static int startIndex(List<MappedFile> files, StoreCheckpoint checkpoint) {
        int fallback = Math.max(0, files.size() - FILES_TO_VERIFY_WITHOUT_CHECKPOINT);
        if (!checkpoint.isKnown()) {
            return fallback;
        }
        for (int i = 0; i < files.size(); i++) {
            MappedFile file = files.get(i);
            if (checkpoint.commitLogFlushedOffset() < file.fileFromOffset() + file.fileSizeBytes()) {
                return i;
            }
        }
        return fallback;
    }

    private boolean laterFileHasData(List<MappedFile> files, int fromIndex) {
        for (int i = fromIndex; i < files.size(); i++) {
            MappedFile file = files.get(i);
            ByteBuffer view = file.sliceForRead(0, file.fileSizeBytes());
            int size = reader.check(view, 0, file.fileFromOffset());
            if (size > 0 || reader.resync(view, 1, file.fileSizeBytes(), file.fileFromOffset()) > 0) {
                return true;
            }
        }
        return false;
    }

    private static boolean isZero(ByteBuffer view, int from, int to) {
        for (int i = from; i < to; i++) {
            if (view.get(i) != 0) {
                return false;
            }
        }
        return true;
    }

    private static long nonZeroBytesFrom(List<MappedFile> files, long offset) {
        long lastNonZero = offset;
        for (MappedFile file : files) {
            long fileEnd = file.fileFromOffset() + file.fileSizeBytes();
            if (fileEnd <= offset) {
                continue;
            }
            ByteBuffer view = file.sliceForRead(0, file.fileSizeBytes());
            int from = (int) Math.max(0, offset - file.fileFromOffset());
            for (int i = file.fileSizeBytes() - 1; i >= from; i--) {
                if (view.get(i) != 0) {
                    lastNonZero = Math.max(lastNonZero, file.fileFromOffset() + i + 1);
                    break;
                }
            }
        }
        return lastNonZero - offset;
    }

    private static int countFilesAfter(List<MappedFile> files, long end) {
        int count = 0;
        for (MappedFile file : files) {
            if (file.fileFromOffset() > end) {
                count++;
            }
        }
        return count;
    }
}
