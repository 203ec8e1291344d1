package io.tidemq.store.recovery;

import io.tidemq.store.commitlog.CommitLog;
import io.tidemq.store.commitlog.RecordReader;
import io.tidemq.store.file.MappedFile;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.ByteBuffer;
import java.util.ArrayList;
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
     * @param cuts              every range removed by this start's recovery, the CommitLog's and the other
     *                          structures' (empty when nothing was cut)
     */
    public record Result(long endOffset, long verifiedFromOffset, long cutFromOffset, long cutBytes,
                         int filesDeleted, List<RecoveryCut> cuts) {

        public Result {
            cuts = List.copyOf(cuts);
        }

        /** This result with {@code more} cuts (made by the recovery of other structures) appended. */
        public Result withCuts(List<RecoveryCut> more) {
            List<RecoveryCut> all = new ArrayList<>(cuts);
            all.addAll(more);
            return new Result(endOffset, verifiedFromOffset, cutFromOffset, cutBytes, filesDeleted, all);
        }
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
     *   <li>A bad record, or zeroes where a record was due, that is followed by a valid record (later in its
     *       file, found by scanning for the next record header, or at the start of a later file) is damage in
     *       the middle: it is REPORTED (logged with its offsets, counted in {@code corruptRecords}) and skipped,
     *       never cut and never served; everything after it is kept.</li>
     *   <li>Zeroes end the log without that search only at the exact end a clean close() recorded in the
     *       checkpoint ({@link StoreCheckpoint#cleanShutdownEndOffset()}): zeroes anywhere else, on a clean start
     *       too, are examined as in step 3.</li>
     *   <li>Otherwise the log ends at the first bad record or zeroes followed by no valid record anywhere. What
     *       this removes is a CUT: from the end to the last non-zero byte of the log, or to the end the
     *       checkpoint says was durable if that is further. A cut is logged at WARN with its range and byte
     *       count and listed in {@link Result#cuts()}. The rest of the end's file is zeroed (so stale bytes can
     *       never be taken for records by a later recovery) and every later file is deleted.</li>
     *   <li>Every file up to the end is forced before the end is declared flushed.</li>
     * </ol>
     * Runs alone, before any append, flush or dispatch.
     */
    public Result recover(CommitLog commitLog, StoreCheckpoint checkpoint, boolean abnormal) {
        List<MappedFile> files = commitLog.files().files();
        if (files.isEmpty()) {
            return new Result(0, 0, -1, 0, 0, List.of());
        }
        int startIndex = startIndex(files, checkpoint);
        long verifiedFrom = files.get(startIndex).fileFromOffset();
        long cleanEnd = abnormal ? -1 : checkpoint.cleanShutdownEndOffset();
        log.info("recovering the CommitLog ({} shutdown{}): verifying {} file(s) from offset {}",
                abnormal ? "ABNORMAL" : "clean", abnormal ? "" : cleanEnd >= 0 ? ", end recorded at " + cleanEnd
                        : ", no recorded end", files.size() - startIndex, verifiedFrom);
        long end = -1;
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
                if (size == RecordReader.END_OF_DATA && fileFrom + position == cleanEnd) {
                    end = cleanEnd;
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
                break;
            }
            if (end < 0 && i == files.size() - 1) {
                end = fileFrom + position;
            }
        }
        List<RecoveryCut> cuts = new ArrayList<>();
        int fileSize = commitLog.files().fileSizeBytes();
        for (long from : commitLog.files().movedAsideAtLoad()) {
            String reason = "the file follows a hole in the CommitLog directory (a missing file) and was moved"
                    + " aside (renamed *.after-hole-*); restore the missing file and rename it back to recover it";
            cuts.add(new RecoveryCut(RecoveryCut.COMMIT_LOG, from, from + fileSize, fileSize, reason));
            log.warn("CommitLog CUT: physical offsets [{}, {}) ({} bytes) removed: {}", from, from + fileSize,
                    fileSize, reason);
        }
        long durableClaim = cleanEnd >= 0 ? cleanEnd : checkpoint.commitLogFlushedOffset();
        long cutTo = Math.max(lastNonZeroEnd(files, end), durableClaim);
        if (cutTo > end) {
            String reason = durableClaim > end
                    ? "the checkpoint says the log was durable up to " + durableClaim + " but no valid record"
                    + " follows " + end + " (data lost after it was fsynced: a failing disk, or files restored or"
                    + " edited by hand); restore the lost range from a replica if it matters"
                    : "a torn tail: a write interrupted by the crash";
            cuts.add(new RecoveryCut(RecoveryCut.COMMIT_LOG, end, cutTo, cutTo - end, reason));
            log.warn("CommitLog CUT: physical offsets [{}, {}) ({} bytes) removed: {}", end, cutTo, cutTo - end,
                    reason);
        }
        int deleted = countFilesAfter(files, end);
        if (deleted > 0 && !cuts.isEmpty()) {
            log.warn("deleting {} CommitLog file(s) past the recovered end {}", deleted, end);
        } else if (deleted > 0) {
            // nothing was cut, so the files past the end hold no byte: pre-allocated for the next roll
            log.info("deleting {} empty pre-allocated CommitLog file(s) past the recovered end {}", deleted, end);
        }
        commitLog.files().truncateDirty(end);
        // declared flushed below: force it all first, a killed process may have left any file un-fsynced
        commitLog.files().forceFrom(0);
        log.info("CommitLog recovered: end offset {}", end);
        RecoveryCut tailCut = null;
        for (RecoveryCut cut : cuts) {
            if (cut.fromOffset() == end) {
                tailCut = cut;
            }
        }
        long cutFrom = tailCut == null ? -1 : end;
        long cutBytes = tailCut == null ? 0 : tailCut.bytes();
        return new Result(end, verifiedFrom, cutFrom, cutBytes, deleted, cuts);
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

    /** One past the last non-zero byte at or after {@code offset} in any file; {@code offset} if none. */
    private static long lastNonZeroEnd(List<MappedFile> files, long offset) {
        long lastNonZero = offset;
        for (MappedFile file : files) {
            long fileEnd = file.fileFromOffset() + file.fileSizeBytes();
            if (fileEnd <= offset) {
                continue;
            }
            ByteBuffer view = file.sliceForRead(0, file.fileSizeBytes());
            int from = (int) Math.max(0, offset - file.fileFromOffset());
            int i = file.fileSizeBytes();
            // 8 bytes at a time while aligned (file sizes are multiples of 8 in practice), then byte by byte
            while (i - Long.BYTES >= from && i % Long.BYTES == 0 && view.getLong(i - Long.BYTES) == 0) {
                i -= Long.BYTES;
            }
            while (i > from && view.get(i - 1) == 0) {
                i--;
            }
            if (i > from) {
                lastNonZero = Math.max(lastNonZero, file.fileFromOffset() + i);
            }
        }
        return lastNonZero;
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
