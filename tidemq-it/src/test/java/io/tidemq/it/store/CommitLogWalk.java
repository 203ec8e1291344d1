package io.tidemq.it.store;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * An independent reader of the CommitLog files (docs/storage-format.md sections 1 and 2.4): walks record
 * headers from the first file to the recovered end, hopping over blank markers, and lists where each record
 * starts. It trusts nothing the store says except the end offset, so the store's own readers can be checked
 * against it.
 */
final class CommitLogWalk {

    static final int RECORD_MAGIC = 0x544D5131;
    static final int BLANK_MAGIC = 0x544D5145;
    static final int MIN_RECORD_BYTES = 92;

    private CommitLogWalk() {
    }

    /**
     * Start offsets of every record in {@code [first file, endOffset)}.
     *
     * @throws AssertionError when a position below the end holds neither a record header nor a blank marker,
     *                        or the records do not end exactly at {@code endOffset}
     */
    static List<Long> recordOffsets(Path commitLogDir, int fileBytes, long endOffset) {
        List<Long> offsets = new ArrayList<>();
        long expectedFrom = -1;
        long reached = 0;
        for (Path file : files(commitLogDir)) {
            long from = Long.parseLong(file.getFileName().toString());
            if (from >= endOffset) {
                break;
            }
            if (expectedFrom >= 0 && from != expectedFrom) {
                throw new AssertionError("CommitLog file " + file + " does not follow the previous one (expected "
                        + expectedFrom + ")");
            }
            expectedFrom = from + fileBytes;
            ByteBuffer data = ByteBuffer.wrap(read(file));
            int position = 0;
            while (from + position < endOffset) {
                int size = data.getInt(position);
                int magic = data.getInt(position + 4);
                if (magic == BLANK_MAGIC) {
                    if (size != fileBytes - position) {
                        throw new AssertionError("blank marker at " + (from + position) + " claims " + size
                                + " bytes but " + (fileBytes - position) + " remain in its file");
                    }
                    position = fileBytes;
                    break;
                }
                if (magic != RECORD_MAGIC || size < MIN_RECORD_BYTES || position + size > fileBytes - 8) {
                    throw new AssertionError("no record header at CommitLog offset " + (from + position)
                            + " below the recovered end " + endOffset + " (size " + size + ", magic 0x"
                            + Integer.toHexString(magic) + ")");
                }
                offsets.add(from + position);
                position += size;
            }
            reached = from + position;
        }
        if (reached != endOffset && !(reached == 0 && endOffset == 0)) {
            throw new AssertionError("the records end at " + reached + ", not at the recovered end " + endOffset);
        }
        return offsets;
    }

    private static List<Path> files(Path dir) {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> listing = Files.list(dir)) {
            return listing.filter(p -> p.getFileName().toString().matches("\\d{20}")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static byte[] read(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
