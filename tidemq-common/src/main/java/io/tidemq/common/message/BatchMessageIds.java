package io.tidemq.common.message;

/**
 * The message ids of a stored batch in the compact form of a SEND_BATCH_MESSAGE answer (docs/protocol.md,
 * "SEND_BATCH_MESSAGE"): the first record's id and the stored size of every record, in order. A batch's records lie
 * one after the other in one CommitLog file, so record {@code i}'s id is the first id with its offset advanced by the
 * sizes of the records before it; the ids themselves are written only when someone asks for one.
 *
 * <p>The sizes travel as {@code recordBytes}: comma-separated runs, each {@code size} (one record) or
 * {@code size*count} ({@code count} records of that size), e.g. {@code 1187*31,1190} for 32 records. A batch of
 * messages alike, the usual case, is one run whatever its length. The broker writes it ({@link #recordBytes}), the
 * producer reads it ({@link #parse}). Immutable.
 */
public final class BatchMessageIds {

    /** Runs no larger than this (and no more records) are read: a count past it is no batch a broker stores. */
    private static final int MAX_RECORDS = 1 << 24;

    private final int storeHostIpv4;
    private final int storePort;
    /** Per run: the index of its first record, its first record's offset, the size of each of its records. */
    private final int[] runFirstIndex;
    private final long[] runFirstOffset;
    private final int[] runRecordBytes;
    private final int count;

    private BatchMessageIds(int storeHostIpv4, int storePort, int[] runFirstIndex, long[] runFirstOffset,
                            int[] runRecordBytes, int count) {
        this.storeHostIpv4 = storeHostIpv4;
        this.storePort = storePort;
        this.runFirstIndex = runFirstIndex;
        this.runFirstOffset = runFirstOffset;
        this.runRecordBytes = runRecordBytes;
        this.count = count;
    }

    /**
     * The {@code recordBytes} of a batch stored at {@code physicalOffsets} (one per record, ascending, contiguous)
     * whose last record ends at {@code endOffset}.
     *
     * @throws IllegalArgumentException when there is no offset or a record would be empty or over 2 GiB
     */
    public static String recordBytes(long[] physicalOffsets, long endOffset) {
        int n = physicalOffsets.length;
        if (n == 0) {
            throw new IllegalArgumentException("a batch holds at least one record");
        }
        StringBuilder out = new StringBuilder(16);
        long runSize = -1;
        int runLength = 0;
        for (int i = 0; i < n; i++) {
            long size = (i + 1 < n ? physicalOffsets[i + 1] : endOffset) - physicalOffsets[i];
            if (size <= 0 || size > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("record " + i + " of the batch spans " + size
                        + " bytes; the offsets must ascend and the end follow the last one");
            }
            if (size == runSize) {
                runLength++;
                continue;
            }
            appendRun(out, runSize, runLength);
            runSize = size;
            runLength = 1;
        }
        appendRun(out, runSize, runLength);
        return out.toString();
    }

    private static void appendRun(StringBuilder out, long size, int length) {
        if (length == 0) {
            return;
        }
        if (!out.isEmpty()) {
            out.append(',');
        }
        out.append(size);
        if (length > 1) {
            out.append('*').append(length);
        }
    }

    /**
     * Reads a compact answer: {@code firstId} (the first record's id, as {@link MessageId#encode} writes it) and its
     * {@code recordBytes}.
     *
     * @throws MalformedMessageIdException when the id is malformed or {@code recordBytes} is not runs of positive
     *                                     decimal sizes and counts
     */
    public static BatchMessageIds parse(String firstId, String recordBytes) {
        MessageId first = MessageId.decode(firstId);
        if (recordBytes == null || recordBytes.isEmpty()) {
            throw malformed(recordBytes, "it is empty");
        }
        int runs = 1;
        for (int i = 0; i < recordBytes.length(); i++) {
            if (recordBytes.charAt(i) == ',') {
                runs++;
            }
        }
        int[] firstIndex = new int[runs];
        long[] firstOffset = new long[runs];
        int[] sizes = new int[runs];
        long offset = first.physicalOffset();
        int records = 0;
        int at = 0;
        for (int r = 0; r < runs; r++) {
            int comma = recordBytes.indexOf(',', at);
            int end = comma < 0 ? recordBytes.length() : comma;
            int star = recordBytes.indexOf('*', at);
            boolean counted = star >= 0 && star < end;
            long size = decimal(recordBytes, at, counted ? star : end);
            long length = counted ? decimal(recordBytes, star + 1, end) : 1;
            if (size <= 0 || size > Integer.MAX_VALUE || length <= 0 || records + length > MAX_RECORDS) {
                throw malformed(recordBytes, "run " + r + " is " + size + " bytes times " + length);
            }
            firstIndex[r] = records;
            firstOffset[r] = offset;
            sizes[r] = (int) size;
            records += (int) length;
            offset += size * length;
            at = end + 1;
        }
        return new BatchMessageIds(first.storeHostIpv4(), first.storePort(), firstIndex, firstOffset, sizes, records);
    }

    /** The decimal number in {@code s[from, to)}, or -1 when that is empty, not decimal or too long. */
    private static long decimal(String s, int from, int to) {
        if (from >= to || to - from > 18) {
            return -1;
        }
        long value = 0;
        for (int i = from; i < to; i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            value = value * 10 + (c - '0');
        }
        return value;
    }

    private static MalformedMessageIdException malformed(String recordBytes, String why) {
        return new MalformedMessageIdException("the batch's recordBytes '" + recordBytes + "' is malformed: " + why
                + "; a broker writes runs of record sizes such as 1187*31,1190");
    }

    /** How many records (ids) the batch holds. */
    public int count() {
        return count;
    }

    /** The CommitLog offset of record {@code index}. */
    public long physicalOffset(int index) {
        if (index < 0 || index >= count) {
            throw new IndexOutOfBoundsException("record " + index + " of a batch of " + count);
        }
        int lo = 0;
        int hi = runFirstIndex.length - 1;
        while (lo < hi) {
            int mid = (lo + hi + 1) >>> 1;
            if (runFirstIndex[mid] <= index) {
                lo = mid;
            } else {
                hi = mid - 1;
            }
        }
        return runFirstOffset[lo] + (long) (index - runFirstIndex[lo]) * runRecordBytes[lo];
    }

    /** The id of record {@code index}. */
    public String id(int index) {
        return MessageId.encode(storeHostIpv4, storePort, physicalOffset(index));
    }

    /** Every id, comma-separated, in order: the form a SEND_BATCH_MESSAGE answer had before the compact one. */
    public String joined() {
        StringBuilder out = new StringBuilder(count * (MessageId.TEXT_LENGTH + 1));
        for (int r = 0; r < runFirstIndex.length; r++) {
            int length = (r + 1 < runFirstIndex.length ? runFirstIndex[r + 1] : count) - runFirstIndex[r];
            long offset = runFirstOffset[r];
            for (int i = 0; i < length; i++, offset += runRecordBytes[r]) {
                if (!out.isEmpty()) {
                    out.append(',');
                }
                out.append(MessageId.encode(storeHostIpv4, storePort, offset));
            }
        }
        return out.toString();
    }

    @Override
    public String toString() {
        return joined();
    }
}
