package io.tidemq.remoting.protocol;

/**
 * The byte layout of a frame, in one place; {@link FrameCodec} and the Netty handlers use these constants
 * and nothing else hard-codes a position. All integers are big-endian; strings are UTF-8. See
 * docs/protocol.md for the prose version.
 *
 * <pre>
 * frame  := totalLength:int32  headerLength:int32  header  body
 *           totalLength  = 4 + headerLength + bodyLength   (every byte after the totalLength field)
 * header := code:int32  version:int16  opaque:int32  flags:int32
 *           remarkLength:int32  remark:bytes[remarkLength]         (remarkLength -1 = no remark)
 *           fieldCount:uint16  { keyLength:uint16 key:bytes  valueLength:int32 value:bytes } * fieldCount
 * body   := bytes[totalLength - 4 - headerLength]                 (may be empty)
 * </pre>
 */
public final class FrameLayout {

    /** Size of the leading {@code totalLength} field. */
    public static final int TOTAL_LENGTH_FIELD_BYTES = 4;
    /** Size of the {@code headerLength} field. */
    public static final int HEADER_LENGTH_FIELD_BYTES = 4;
    /** Bytes before the header: totalLength + headerLength. */
    public static final int PREFIX_BYTES = TOTAL_LENGTH_FIELD_BYTES + HEADER_LENGTH_FIELD_BYTES;

    /** code(4) + version(2) + opaque(4) + flags(4). */
    public static final int FIXED_HEADER_BYTES = 14;
    /** The smallest valid header: the fixed part, a null remark's length and a zero field count. */
    public static final int MIN_HEADER_BYTES = FIXED_HEADER_BYTES + 4 + 2;
    /** The smallest valid {@code totalLength}: headerLength field + minimal header + empty body. */
    public static final int MIN_TOTAL_LENGTH = HEADER_LENGTH_FIELD_BYTES + MIN_HEADER_BYTES;
    /** The smallest a field can take: keyLength(2) + valueLength(4), with empty key and value. */
    public static final int MIN_FIELD_BYTES = 2 + 4;
    /** Field counts and key lengths are unsigned 16-bit. */
    public static final int MAX_FIELD_COUNT = 0xFFFF;
    public static final int MAX_KEY_BYTES = 0xFFFF;

    /** The {@code remarkLength} of a frame without a remark. */
    public static final int NULL_REMARK_LENGTH = -1;

    /** Flag bit 0: the frame is a response (otherwise a request). */
    public static final int FLAG_RESPONSE = 1;
    /** Flag bit 1: the request expects no response. */
    public static final int FLAG_ONEWAY = 1 << 1;

    /** The header {@code version} this build writes. */
    public static final short CURRENT_VERSION = 1;

    /** Default limit of {@code totalLength}: 16 MiB. */
    public static final int DEFAULT_MAX_FRAME_BYTES = 16 * 1024 * 1024;

    /**
     * The most record bytes a broker puts in one pull response ({@code maxPullBytes} cannot be set higher), and
     * the most body bytes of one message ({@code maxMessageBytes}): 64 MiB.
     */
    public static final int MAX_PULL_RESPONSE_BODY_BYTES = 64 * 1024 * 1024;

    /** Room for the header and the per-message encoding around the body bytes of a response: 2 MiB. */
    public static final int RESPONSE_OVERHEAD_BYTES = 2 * 1024 * 1024;

    /**
     * The frame limit of clients: any response a broker can build fits, whatever its configuration (a full
     * pull of {@link #MAX_PULL_RESPONSE_BODY_BYTES}, or one message of the largest size).
     */
    public static final int CLIENT_MAX_FRAME_BYTES = MAX_PULL_RESPONSE_BODY_BYTES + RESPONSE_OVERHEAD_BYTES;

    private FrameLayout() {
    }
}
