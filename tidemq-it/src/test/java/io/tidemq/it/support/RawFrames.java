package io.tidemq.it.support;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Hand-made TideMQ frames over plain sockets, for feeding servers bytes no well-behaved client would send.
 * Layout (docs/protocol.md): {@code totalLength | headerLength | code, version, opaque, flags, remarkLength,
 * remark, fieldCount, fields | body}.
 */
public final class RawFrames {

    /** Header with no remark and no field: code 4, version 2, opaque 4, flags 4, remarkLength 4, fieldCount 2. */
    public static final int MIN_HEADER_BYTES = 20;
    private static final int READ_TIMEOUT_MS = 10_000;

    private RawFrames() {
    }

    /** A well-formed request frame with no remark, no field and no body. */
    public static byte[] request(int code, int opaque) {
        return ByteBuffer.allocate(4 + 4 + MIN_HEADER_BYTES)
                .putInt(4 + MIN_HEADER_BYTES).putInt(MIN_HEADER_BYTES)
                .putInt(code).putShort((short) 1).putInt(opaque).putInt(0).putInt(-1).putShort((short) 0)
                .array();
    }

    /** A frame whose lengths are right but whose header says its remark is {@code remarkLength} bytes long. */
    public static byte[] withRemarkLength(int remarkLength) {
        return ByteBuffer.allocate(4 + 4 + MIN_HEADER_BYTES)
                .putInt(4 + MIN_HEADER_BYTES).putInt(MIN_HEADER_BYTES)
                .putInt(10).putShort((short) 1).putInt(1).putInt(0).putInt(remarkLength).putShort((short) 0)
                .array();
    }

    /** A frame whose header announces {@code fieldCount} fields and holds none. */
    public static byte[] withFieldCount(int fieldCount) {
        return ByteBuffer.allocate(4 + 4 + MIN_HEADER_BYTES)
                .putInt(4 + MIN_HEADER_BYTES).putInt(MIN_HEADER_BYTES)
                .putInt(10).putShort((short) 1).putInt(1).putInt(0).putInt(-1).putShort((short) fieldCount)
                .array();
    }

    /** One field whose value length points far past the header's end. */
    public static byte[] withOverlongField() {
        byte[] key = "topic".getBytes(StandardCharsets.UTF_8);
        int header = MIN_HEADER_BYTES + 2 + key.length + 4;
        return ByteBuffer.allocate(8 + header)
                .putInt(4 + header).putInt(header)
                .putInt(10).putShort((short) 1).putInt(1).putInt(0).putInt(-1).putShort((short) 1)
                .putShort((short) key.length).put(key).putInt(1_000_000)
                .array();
    }

    /** Just the two length words. */
    public static byte[] lengths(int totalLength, int headerLength) {
        return ByteBuffer.allocate(8).putInt(totalLength).putInt(headerLength).array();
    }

    public static Socket connect(String hostPort) throws IOException {
        int colon = hostPort.lastIndexOf(':');
        Socket s = new Socket();
        s.connect(new InetSocketAddress(hostPort.substring(0, colon), Integer.parseInt(hostPort.substring(colon + 1))),
                READ_TIMEOUT_MS);
        s.setSoTimeout(READ_TIMEOUT_MS);
        return s;
    }

    /**
     * Whether the server closed the connection (end of stream or reset) without sending a byte, within the
     * read timeout.
     */
    public static boolean closedByServer(Socket s) throws IOException {
        try {
            return s.getInputStream().read() == -1;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (SocketException e) {
            return true;
        }
    }

    /** A response as far as the fixed header goes. */
    public record Response(int code, int opaque, int flags) {
        public boolean isResponse() {
            return (flags & 1) != 0;
        }
    }

    /** Reads one frame and decodes its fixed header fields. */
    public static Response readResponse(Socket s) throws IOException {
        InputStream in = s.getInputStream();
        ByteBuffer lengths = ByteBuffer.wrap(in.readNBytes(8));
        int total = lengths.getInt();
        lengths.getInt();
        byte[] rest = in.readNBytes(total - 4);
        if (rest.length != total - 4) {
            throw new IOException("response frame cut short: " + rest.length + " of " + (total - 4) + " bytes");
        }
        ByteBuffer header = ByteBuffer.wrap(rest);
        int code = header.getInt();
        header.getShort();
        int opaque = header.getInt();
        int flags = header.getInt();
        return new Response(code, opaque, flags);
    }
}
