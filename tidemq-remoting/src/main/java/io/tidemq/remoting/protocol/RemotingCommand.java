package io.tidemq.remoting.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.tidemq.common.protocol.RequestCode;
import io.tidemq.common.protocol.ResponseCode;
import io.tidemq.common.protocol.header.HeaderCodec;
import io.tidemq.common.protocol.header.InvalidHeaderException;

import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One frame in memory: a request or a response, with a small map of string header fields ("ext fields")
 * and a raw body. The wire layout is described by {@link FrameLayout}.
 *
 * <p>Header fields carry the parameters of a request (topic, queue id, offset, …). Put and read them with
 * the typed helpers ({@link #putField(String, long)}, {@link #fieldAsLong(String)}, …) or, for a whole
 * typed header record, with {@link #writeHeader(Record)} / {@link #readHeader(Class)}. A missing or
 * malformed field read through a helper throws {@link InvalidHeaderException}, which a server answers
 * with {@code INVALID_PARAMETER}.
 *
 * <p>Not thread-safe: a command is built by one thread and handed over when sent; do not modify it after
 * passing it to the transport. The opaque id and the flags of an outgoing command are set by the transport
 * when it writes the frame, so one command may be sent several times.
 */
public final class RemotingCommand {

    private static final byte[] EMPTY_BODY = new byte[0];

    private final int code;
    private final short version;
    /** Meaningful on received commands; outgoing ones get theirs from the transport. */
    private final int opaque;
    private final int flags;
    private String remark;
    /** Created on first put; most responses carry no fields. */
    private HashMap<String, String> fields;
    /**
     * Fields the caller encoded once ({@link #withEncodedFields}), or a received frame's field bytes; written to
     * the wire before the map's. The accessors see them too: a read by name scans the bytes (no map), the first
     * change, a read of all fields or of a non-ASCII name copies them into the map and drops them.
     */
    private EncodedFields encodedFields;
    private byte[] body = EMPTY_BODY;
    /** Set instead of {@link #body} for a body written straight into the frame ({@link #setBodyWriter(BodyWriter)}). */
    private BodyWriter bodyWriter;
    /**
     * Set instead of {@link #body} for a received request whose processor reads it in place: a slice of the receive
     * buffer owned and released by the transport once the processor returns (see
     * {@link io.tidemq.remoting.RequestProcessor#readsBodyInPlace()}).
     */
    private ByteBuf bodyInPlace;

    private RemotingCommand(int code, short version, int opaque, int flags) {
        this.code = code;
        this.version = version;
        this.opaque = opaque;
        this.flags = flags;
    }

    /** A request for {@code code}, to be sent with a client's or server's {@code invoke*} methods. */
    public static RemotingCommand createRequest(int code) {
        return new RemotingCommand(code, FrameLayout.CURRENT_VERSION, 0, 0);
    }

    public static RemotingCommand createRequest(RequestCode code) {
        return createRequest(code.code());
    }

    /**
     * A response with a result code and an optional human-readable remark (expected for every code but
     * {@code SUCCESS}). Return it from a {@link io.tidemq.remoting.RequestProcessor}; the transport
     * correlates it with the request.
     */
    public static RemotingCommand createResponse(int code, String remark) {
        RemotingCommand response = new RemotingCommand(code, FrameLayout.CURRENT_VERSION, 0, FrameLayout.FLAG_RESPONSE);
        response.remark = remark;
        return response;
    }

    public static RemotingCommand createResponse(ResponseCode code, String remark) {
        return createResponse(code.code(), remark);
    }

    /** A {@code SUCCESS} response without remark. */
    public static RemotingCommand success() {
        return createResponse(ResponseCode.SUCCESS.code(), null);
    }

    /** Used by {@link FrameCodec} for frames read off the wire. */
    static RemotingCommand decoded(int code, short version, int opaque, int flags, String remark,
                                   EncodedFields fields) {
        RemotingCommand command = new RemotingCommand(code, version, opaque, flags);
        command.remark = remark;
        command.encodedFields = fields;
        return command;
    }

    /** The request code of a request, the {@link ResponseCode} number of a response. */
    public int code() {
        return code;
    }

    /** The header version the sender wrote ({@link FrameLayout#CURRENT_VERSION} for commands built here). */
    public short version() {
        return version;
    }

    /** The correlation id of a received request or response; 0 on a command built locally. */
    public int opaque() {
        return opaque;
    }

    /** The raw flag bits ({@link FrameLayout#FLAG_RESPONSE}, {@link FrameLayout#FLAG_ONEWAY}). */
    public int flags() {
        return flags;
    }

    public boolean isResponse() {
        return (flags & FrameLayout.FLAG_RESPONSE) != 0;
    }

    /** Whether a received request expects no response. */
    public boolean isOneway() {
        return (flags & FrameLayout.FLAG_ONEWAY) != 0;
    }

    /** Whether this is a response with code {@code SUCCESS}. */
    public boolean isSuccess() {
        return isResponse() && code == ResponseCode.SUCCESS.code();
    }

    /** The remark (error text of a failed response), or {@code null}. */
    public String remark() {
        return remark;
    }

    public RemotingCommand setRemark(String remark) {
        this.remark = remark;
        return this;
    }

    /**
     * The body, never {@code null} (empty when there is none). The array is shared, not copied. A body set as a
     * {@link BodyWriter} (not an array) is written into a new array here: the transport asks
     * {@link #bodyWriter()} instead; so is a body read in place ({@link #bodyBuffer()}).
     */
    public byte[] body() {
        if (bodyInPlace != null) {
            return ByteBufUtil.getBytes(bodyInPlace);
        }
        if (bodyWriter != null) {
            byte[] written = new byte[bodyWriter.bodyBytes()];
            bodyWriter.writeBody(Unpooled.wrappedBuffer(written).writerIndex(0));
            return written;
        }
        return body;
    }

    /** Sets the body; {@code null} means empty. The array is kept, not copied: do not modify it afterwards. */
    public RemotingCommand setBody(byte[] body) {
        this.body = body == null || body.length == 0 ? EMPTY_BODY : body;
        this.bodyWriter = null;
        this.bodyInPlace = null;
        return this;
    }

    /**
     * The body as a buffer, not copied: for a received request whose processor reads it in place, a view of the
     * receive buffer readable only until the processor returns (do not retain, release or keep it); otherwise the
     * body's array wrapped. Read it with absolute gets or on a {@code duplicate()}: its indexes are the request's.
     */
    public ByteBuf bodyBuffer() {
        return bodyInPlace != null ? bodyInPlace : Unpooled.wrappedBuffer(body());
    }

    /**
     * For the transport: sets a received request's body to a slice of the receive buffer that the transport releases
     * once the request's processor returned ({@link io.tidemq.remoting.RequestProcessor#readsBodyInPlace()}).
     */
    public RemotingCommand setBodyInPlace(ByteBuf body) {
        this.body = EMPTY_BODY;
        this.bodyWriter = null;
        this.bodyInPlace = body;
        return this;
    }

    /**
     * Sets a body the frame encoder writes straight into the frame (an {@link BodyWriter.ArrayBody} is kept as its
     * array); {@code null} means empty.
     */
    public RemotingCommand setBodyWriter(BodyWriter writer) {
        if (writer == null || writer instanceof BodyWriter.ArrayBody) {
            return setBody(writer == null ? null : ((BodyWriter.ArrayBody) writer).array());
        }
        this.body = EMPTY_BODY;
        this.bodyWriter = writer;
        this.bodyInPlace = null;
        return this;
    }

    /** The body's writer when it was set as one (not as an array), else {@code null}. */
    public BodyWriter bodyWriter() {
        return bodyWriter;
    }

    /** The body's length in bytes, without writing a {@link BodyWriter} body out. */
    public int bodyBytes() {
        if (bodyInPlace != null) {
            return bodyInPlace.readableBytes();
        }
        return bodyWriter != null ? bodyWriter.bodyBytes() : body.length;
    }

    // ---- header fields

    /**
     * Sets header fields encoded once by the caller (see {@link EncodedFields}), replacing any set before. A
     * field also put in the map wins over the same name here.
     */
    public RemotingCommand withEncodedFields(EncodedFields encoded) {
        this.encodedFields = Objects.requireNonNull(encoded, "encoded");
        return this;
    }

    /** The fields encoded by the caller, or {@code null}; for the encoder, which copies them as they are. */
    EncodedFields encodedFields() {
        return encodedFields;
    }

    /** Moves the pre-encoded fields into the map, for an accessor that reads or changes fields by name. */
    private void materialize() {
        if (encodedFields != null) {
            if (fields == null) {
                fields = new HashMap<>(16);
            }
            encodedFields.copyInto(fields);
            encodedFields = null;
        }
    }

    /** Sets a header field; a {@code null} value removes it. */
    public RemotingCommand putField(String name, String value) {
        Objects.requireNonNull(name, "name");
        materialize();
        if (value == null) {
            if (fields != null) {
                fields.remove(name);
            }
            return this;
        }
        if (fields == null) {
            fields = new HashMap<>(8);
        }
        fields.put(name, value);
        return this;
    }

    public RemotingCommand putField(String name, long value) {
        return putField(name, Long.toString(value));
    }

    public RemotingCommand putField(String name, int value) {
        return putField(name, Integer.toString(value));
    }

    public RemotingCommand putField(String name, boolean value) {
        return putField(name, value ? "true" : "false");
    }

    /** Adds every field of a typed header record (see {@link HeaderCodec}); null components are skipped. */
    public RemotingCommand writeHeader(Record header) {
        if (fields == null && encodedFields == null) {
            // the usual case (a response's only header): straight to wire bytes, no map to fill and walk again
            EncodedFields.Builder encoded = EncodedFields.builder();
            HeaderCodec.encodeInto(header, (name, value) -> {
                if (value instanceof Long l) {
                    encoded.put(name, l.longValue());
                } else if (value instanceof Integer i) {
                    encoded.put(name, i.intValue());
                } else {
                    encoded.put(name, value.toString());
                }
            });
            encodedFields = encoded.build();
            return this;
        }
        materialize();
        if (fields == null) {
            // 16 buckets hold the largest header record (9 components) without a resize
            fields = new HashMap<>(16);
        }
        HeaderCodec.encodeInto(header, fields);
        return this;
    }

    /**
     * Reads the header fields as a typed header record.
     *
     * @throws InvalidHeaderException when a required field is missing or a value has the wrong type
     */
    public <T extends Record> T readHeader(Class<T> type) {
        if (fields == null && encodedFields != null) {
            // a frame read off the wire, or a request encoded by its sender: straight from the bytes, no map
            return HeaderCodec.decode(encodedFields, type);
        }
        materialize();
        // the map itself: decoding only reads it, and a read-only view per request is garbage on the hot path
        return HeaderCodec.decode(fields, type);
    }

    /** A field's value, or {@code null} when absent. */
    public String field(String name) {
        long at = encodedOnlyFind(name);
        if (at != EncodedFields.NOT_ASCII) {
            return at < 0 ? null : encodedFields.valueAt(at);
        }
        materialize();
        return fields == null ? null : fields.get(name);
    }

    public boolean hasField(String name) {
        long at = encodedOnlyFind(name);
        if (at != EncodedFields.NOT_ASCII) {
            return at >= 0;
        }
        materialize();
        return fields != null && fields.containsKey(name);
    }

    /**
     * A read by name of a command whose fields are all pre-encoded (a frame read off the wire, the usual case): the
     * field's place in the bytes, found by a scan (a few fields: cheaper than the map and the hashing a first read
     * used to fill), or {@code -1} when absent; {@link EncodedFields#NOT_ASCII} when the map must answer instead.
     */
    private long encodedOnlyFind(String name) {
        Objects.requireNonNull(name, "name");
        return fields == null && encodedFields != null ? encodedFields.find(name) : EncodedFields.NOT_ASCII;
    }

    /** A number field read from the bytes, or {@link EncodedFields#NOT_DECIMAL} (absent, odd text, a map to ask). */
    private long encodedDecimal(String name) {
        long at = encodedOnlyFind(name);
        return at < 0 ? EncodedFields.NOT_DECIMAL : encodedFields.decimalAt(at);
    }

    /**
     * A required string field.
     *
     * @throws InvalidHeaderException when absent
     */
    public String requiredField(String name) {
        String value = field(name);
        if (value == null) {
            throw missing(name);
        }
        return value;
    }

    /** @throws InvalidHeaderException when absent or not an int */
    public int fieldAsInt(String name) {
        long v = encodedDecimal(name);
        if (v != EncodedFields.NOT_DECIMAL && v == (int) v) {
            return (int) v;
        }
        return parseInt(name, requiredField(name));
    }

    /** The field as an int, or {@code defaultValue} when absent; @throws InvalidHeaderException when not an int */
    public int fieldAsInt(String name, int defaultValue) {
        long v = encodedDecimal(name);
        if (v != EncodedFields.NOT_DECIMAL && v == (int) v) {
            return (int) v;
        }
        String value = field(name);
        return value == null ? defaultValue : parseInt(name, value);
    }

    /** @throws InvalidHeaderException when absent or not a long */
    public long fieldAsLong(String name) {
        long v = encodedDecimal(name);
        if (v != EncodedFields.NOT_DECIMAL) {
            return v;
        }
        return parseLong(name, requiredField(name));
    }

    /** The field as a long, or {@code defaultValue} when absent; @throws InvalidHeaderException when not a long */
    public long fieldAsLong(String name, long defaultValue) {
        long v = encodedDecimal(name);
        if (v != EncodedFields.NOT_DECIMAL) {
            return v;
        }
        String value = field(name);
        return value == null ? defaultValue : parseLong(name, value);
    }

    /** @throws InvalidHeaderException when absent or neither {@code true} nor {@code false} */
    public boolean fieldAsBoolean(String name) {
        return parseBoolean(name, requiredField(name));
    }

    /** The field as a boolean, or {@code defaultValue} when absent. */
    public boolean fieldAsBoolean(String name, boolean defaultValue) {
        String value = field(name);
        return value == null ? defaultValue : parseBoolean(name, value);
    }

    /**
     * Whether the header fields were copied into a map (a field changed, or all of them read). For tests of hot
     * paths, which read fields by name or as a header record straight from the frame's field bytes, and so never
     * make one.
     */
    public boolean hasFieldMap() {
        return fields != null;
    }

    /** A read-only view of all header fields. */
    public Map<String, String> fields() {
        materialize();
        return fields == null ? Collections.emptyMap() : Collections.unmodifiableMap(fields);
    }

    /**
     * The field map itself, or {@code null}; for the encoder, which must not copy it and writes
     * {@link #encodedFields()} besides.
     */
    Map<String, String> rawFields() {
        return fields;
    }

    private static int parseInt(String name, String value) {
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw invalid(name, value, "an int");
        }
    }

    private static long parseLong(String name, String value) {
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw invalid(name, value, "a long");
        }
    }

    private static boolean parseBoolean(String name, String value) {
        if ("true".equals(value)) {
            return true;
        }
        if ("false".equals(value)) {
            return false;
        }
        throw invalid(name, value, "a boolean (true or false)");
    }

    private static InvalidHeaderException missing(String name) {
        return new InvalidHeaderException("required header field '" + name + "' is missing");
    }

    private static InvalidHeaderException invalid(String name, String value, String expected) {
        return new InvalidHeaderException("header field '" + name + "' has value '" + value
                + "', which is not " + expected);
    }

    @Override
    public String toString() {
        String codeName = isResponse() ? ResponseCode.describe(code) : RequestCode.describe(code);
        return (isResponse() ? "Response[" : "Request[") + codeName + ", opaque=" + opaque
                + (isOneway() ? ", oneway" : "")
                + (remark != null ? ", remark=" + remark : "")
                + ", fields=" + fields() + ", bodyBytes=" + bodyBytes() + "]";
    }
}
