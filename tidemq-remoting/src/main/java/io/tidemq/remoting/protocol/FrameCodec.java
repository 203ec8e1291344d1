package io.tidemq.remoting.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;

import java.nio.charset.StandardCharsets;
import java.util.Map;

import static io.tidemq.remoting.protocol.FrameLayout.HEADER_LENGTH_FIELD_BYTES;
import static io.tidemq.remoting.protocol.FrameLayout.MAX_FIELD_COUNT;
import static io.tidemq.remoting.protocol.FrameLayout.MAX_KEY_BYTES;
import static io.tidemq.remoting.protocol.FrameLayout.MIN_FIELD_BYTES;
import static io.tidemq.remoting.protocol.FrameLayout.MIN_HEADER_BYTES;
import static io.tidemq.remoting.protocol.FrameLayout.NULL_REMARK_LENGTH;
import static io.tidemq.remoting.protocol.FrameLayout.PREFIX_BYTES;

/**
 * Writes and reads frames in the layout of {@link FrameLayout}. Stateless; the Netty handlers and the
 * benchmarks call it directly.
 *
 * <p>Decoding trusts no length: each one is checked against the bytes that are actually left in the
 * header before anything is allocated, so a hostile frame cannot make the reader allocate more than the
 * frame's own (already limit-checked) size.
 */
public final class FrameCodec {

    private FrameCodec() {
    }

    /**
     * An upper bound of the encoded size, used to size the output buffer so encoding never reallocates.
     * Strings count 3 bytes per char (the UTF-8 maximum for a Java char).
     */
    public static int maxEncodedBytes(RemotingCommand command) {
        long size = PREFIX_BYTES + MIN_HEADER_BYTES + command.bodyBytes();
        if (command.remark() != null) {
            size += ByteBufUtil.utf8MaxBytes(command.remark());
        }
        EncodedFields encoded = command.encodedFields();
        if (encoded != null) {
            size += encoded.sizeBytes();
        }
        Map<String, String> fields = command.rawFields();
        if (fields != null) {
            for (Map.Entry<String, String> e : fields.entrySet()) {
                size += MIN_FIELD_BYTES + ByteBufUtil.utf8MaxBytes(e.getKey()) + ByteBufUtil.utf8MaxBytes(e.getValue());
            }
        }
        return (int) Math.min(size, Integer.MAX_VALUE - 8);
    }

    /**
     * Appends one frame for {@code command} with the given opaque id and flags.
     *
     * @throws FrameTooLargeException when the frame's totalLength would exceed {@code maxFrameBytes}, or a
     *                                field key exceeds 65 535 bytes or there are more than 65 535 fields;
     *                                {@code out}'s writer index is then left where it was
     */
    public static void encode(RemotingCommand command, int opaque, int flags, ByteBuf out, int maxFrameBytes) {
        int start = out.writerIndex();
        try {
            out.writeInt(0); // totalLength, set below once known
            out.writeInt(0); // headerLength, set below once known
            int headerStart = out.writerIndex();
            out.writeInt(command.code());
            out.writeShort(command.version());
            out.writeInt(opaque);
            out.writeInt(flags);
            writeRemark(out, command.remark());
            writeFields(out, command.encodedFields(), command.rawFields());
            int headerLength = out.writerIndex() - headerStart;
            BodyWriter writer = command.bodyWriter();
            int bodyBytes = command.bodyBytes();
            long totalLength = (long) HEADER_LENGTH_FIELD_BYTES + headerLength + bodyBytes;
            if (totalLength > maxFrameBytes) {
                throw new FrameTooLargeException("frame of " + totalLength + " bytes (body " + bodyBytes
                        + ") exceeds maxFrameBytes " + maxFrameBytes
                        + "; send a smaller body or raise maxFrameBytes on both sides");
            }
            if (writer == null) {
                out.writeBytes(command.body());
            } else {
                int bodyStart = out.writerIndex();
                writer.writeBody(out);
                if (out.writerIndex() - bodyStart != bodyBytes) {
                    throw new IllegalStateException("body writer " + writer.getClass().getName() + " wrote "
                            + (out.writerIndex() - bodyStart) + " bytes but announced " + bodyBytes);
                }
            }
            out.setInt(start, (int) totalLength);
            out.setInt(start + FrameLayout.TOTAL_LENGTH_FIELD_BYTES, headerLength);
        } catch (RuntimeException e) {
            out.writerIndex(start);
            throw e;
        }
    }

    private static void writeRemark(ByteBuf out, String remark) {
        if (remark == null) {
            out.writeInt(NULL_REMARK_LENGTH);
            return;
        }
        int lengthIndex = out.writerIndex();
        out.writeInt(0);
        // one pass: write the UTF-8 bytes, then backfill how many there were
        out.setInt(lengthIndex, ByteBufUtil.writeUtf8(out, remark));
    }

    private static void writeFields(ByteBuf out, EncodedFields encoded, Map<String, String> fields) {
        int mapCount = fields == null ? 0 : fields.size();
        int count = mapCount + (encoded == null ? 0 : encoded.count());
        if (count > MAX_FIELD_COUNT) {
            throw new FrameTooLargeException("command has " + count + " header fields; at most "
                    + MAX_FIELD_COUNT + " fit a frame");
        }
        out.writeShort(count);
        if (encoded != null) {
            // already in the wire layout of the fields below: copied as they are
            encoded.writeTo(out);
        }
        if (mapCount == 0) {
            return;
        }
        for (Map.Entry<String, String> e : fields.entrySet()) {
            int keyLengthIndex = out.writerIndex();
            out.writeShort(0);
            int keyBytes = ByteBufUtil.writeUtf8(out, e.getKey());
            if (keyBytes > MAX_KEY_BYTES) {
                throw new FrameTooLargeException("header field name of " + keyBytes + " bytes exceeds "
                        + MAX_KEY_BYTES + " bytes");
            }
            out.setShort(keyLengthIndex, keyBytes);
            int valueLengthIndex = out.writerIndex();
            out.writeInt(0);
            out.setInt(valueLengthIndex, ByteBufUtil.writeUtf8(out, e.getValue()));
        }
    }

    /**
     * Reads one frame's header and body. {@code in}'s reader index must be at the first header byte
     * (after totalLength and headerLength) with at least {@code headerLength + bodyLength} bytes readable;
     * exactly that many are consumed on success.
     *
     * @throws MalformedFrameException when a length or count inside the header disagrees with the header's size
     */
    public static RemotingCommand decode(ByteBuf in, int headerLength, int bodyLength) throws MalformedFrameException {
        RemotingCommand command = decodeHeader(in, headerLength, bodyLength);
        if (bodyLength > 0) {
            byte[] body = new byte[bodyLength];
            in.readBytes(body);
            command.setBody(body);
        }
        return command;
    }

    /**
     * Reads one frame's header only, as {@link #decode} does, and leaves {@code in}'s reader index at the first of
     * the {@code bodyLength} body bytes (checked to be readable); the returned command's body is empty. The caller
     * reads the body where it lies, for instance a response's body straight into the messages it carries, without
     * copying it into a {@code byte[]} first.
     *
     * @throws MalformedFrameException when a length or count inside the header disagrees with the header's size
     */
    public static RemotingCommand decodeHeader(ByteBuf in, int headerLength, int bodyLength)
            throws MalformedFrameException {
        if (headerLength < MIN_HEADER_BYTES) {
            throw new MalformedFrameException("headerLength " + headerLength + " is below the minimum of "
                    + MIN_HEADER_BYTES);
        }
        if (bodyLength < 0 || in.readableBytes() < (long) headerLength + bodyLength) {
            throw new MalformedFrameException("frame needs " + ((long) headerLength + bodyLength)
                    + " bytes but only " + in.readableBytes() + " are available");
        }
        int headerEnd = in.readerIndex() + headerLength;
        int code = in.readInt();
        short version = in.readShort();
        int opaque = in.readInt();
        int flags = in.readInt();
        String remark = readRemark(in, headerEnd);
        EncodedFields fields = readFields(in, headerEnd);
        if (in.readerIndex() != headerEnd) {
            throw new MalformedFrameException("header has " + (headerEnd - in.readerIndex())
                    + " bytes left after its last field; headerLength does not match its content");
        }
        return RemotingCommand.decoded(code, version, opaque, flags, remark, fields);
    }

    private static String readRemark(ByteBuf in, int headerEnd) throws MalformedFrameException {
        int length = in.readInt();
        if (length == NULL_REMARK_LENGTH) {
            return null;
        }
        // the field count (2 bytes) must still fit after the remark
        int available = headerEnd - in.readerIndex() - 2;
        if (length < 0 || length > available) {
            throw new MalformedFrameException("remark length " + length + " does not fit the " + available
                    + " header bytes left");
        }
        return readUtf8(in, length);
    }

    /**
     * Checks the fields' lengths against the header and keeps their bytes as they are: names and values become
     * {@code String}s only when read ({@link RemotingCommand#readHeader} decodes a typed header from the bytes).
     */
    private static EncodedFields readFields(ByteBuf in, int headerEnd) throws MalformedFrameException {
        int count = in.readUnsignedShort();
        if (count == 0) {
            return null;
        }
        int left = headerEnd - in.readerIndex();
        if ((long) count * MIN_FIELD_BYTES > left) {
            throw new MalformedFrameException("header declares " + count + " fields, which need at least "
                    + ((long) count * MIN_FIELD_BYTES) + " bytes, but only " + left + " header bytes are left");
        }
        int start = in.readerIndex();
        int p = start;
        for (int i = 0; i < count; i++) {
            if (headerEnd - p < MIN_FIELD_BYTES) {
                throw new MalformedFrameException("header declares " + count + " fields but ends after " + i);
            }
            int keyLength = in.getUnsignedShort(p);
            p += 2;
            // the value's length field (4 bytes) must still fit after the key
            if (keyLength > headerEnd - p - 4) {
                throw new MalformedFrameException("field " + i + ": key length " + keyLength
                        + " runs past the end of the header");
            }
            p += keyLength;
            int valueLength = in.getInt(p);
            p += 4;
            if (valueLength < 0 || valueLength > headerEnd - p) {
                throw new MalformedFrameException("field '" + in.toString(p - 4 - keyLength, keyLength,
                        StandardCharsets.UTF_8) + "': value length " + valueLength
                        + " is negative or runs past the end of the header");
            }
            p += valueLength;
        }
        byte[] bytes = new byte[p - start];
        in.readBytes(bytes);
        return EncodedFields.ofWire(bytes, count);
    }

    private static String readUtf8(ByteBuf in, int length) {
        if (length == 0) {
            return "";
        }
        String s = in.toString(in.readerIndex(), length, StandardCharsets.UTF_8);
        in.skipBytes(length);
        return s;
    }
}
