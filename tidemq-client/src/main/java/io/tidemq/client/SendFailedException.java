package io.tidemq.client;

import io.tidemq.common.protocol.ResponseCode;

/**
 * A message could not be sent. Either a broker answered with an error code ({@link #responseCode()} and
 * {@link #remark()} say which and why; {@link BrokerDiskFullException} for DISK_FULL, the table is
 * {@code client.remoting.ResponseCodes}), or no broker could be reached ({@link #responseCode()} is
 * {@code null} and the cause is a {@link RemotingFailedException}). Thrown after the producer's retries.
 */
public class SendFailedException extends ClientException {

    private static final long serialVersionUID = 1L;

    /** The wire code, or -1 when no broker answered. */
    private final int code;
    private final String remark;

    /** A broker answered {@code code} with {@code remark}. */
    public SendFailedException(String topic, String broker, int code, String remark) {
        super("send to topic '" + topic + "' on " + broker + " failed with " + ResponseCode.describe(code) + ": "
                + (remark == null ? "(no remark)" : remark) + advice(code));
        this.code = code;
        this.remark = remark;
    }

    /** No answer: the cause (a {@link RemotingFailedException} when the transport failed) says why. */
    public SendFailedException(String topic, String broker, Throwable cause) {
        super("send to topic '" + topic + "' on " + broker + " failed: " + reason(cause), cause);
        this.code = -1;
        this.remark = null;
    }

    /** A client-side rejection (subclasses); {@code code} is what a broker would have answered. */
    protected SendFailedException(String message, ResponseCode code) {
        super(message);
        this.code = code.code();
        this.remark = message;
    }

    /** The wire code, or -1 when no broker answered. */
    public int code() {
        return code;
    }

    /** The code as a constant; {@code null} when no broker answered or the code is unknown to this build. */
    public ResponseCode responseCode() {
        return code < 0 ? null : ResponseCode.fromCode(code);
    }

    /** The broker's explanation, or {@code null}. */
    public String remark() {
        return remark;
    }

    /**
     * Whether another attempt (on another broker) may succeed: true for transport failures and overload,
     * false for a message the broker will always refuse.
     */
    public boolean isRetriable() {
        return isRetriable(code);
    }

    /** Whether a send that failed with {@code code} (-1: no answer) is worth retrying elsewhere. */
    public static boolean isRetriable(int code) {
        ResponseCode rc = ResponseCode.fromCode(code);
        if (rc == null) {
            return code < 0;
        }
        return switch (rc) {
            case MESSAGE_TOO_LARGE, MESSAGE_ILLEGAL, INVALID_PARAMETER, REQUEST_CODE_NOT_SUPPORTED -> false;
            default -> true;
        };
    }

    /** A transport failure's own reason: this message already names the topic and the broker. */
    private static String reason(Throwable cause) {
        Throwable why = cause instanceof RemotingFailedException && cause.getCause() != null ? cause.getCause() : cause;
        return why.getMessage();
    }

    private static String advice(int code) {
        ResponseCode rc = ResponseCode.fromCode(code);
        if (rc == null) {
            return "";
        }
        return switch (rc) {
            case SYSTEM_BUSY -> " (the broker is overloaded: slow down or add brokers)";
            case TOPIC_NOT_EXIST -> " (create the topic on this broker)";
            case NO_PERMISSION -> " (the topic or broker is not writable: check its permissions)";
            case DISK_FULL -> " (the broker's disk is full and nothing was stored: the producer tries other brokers;"
                    + " free disk space on that broker, it accepts writes again by itself)";
            case FLUSH_DISK_TIMEOUT, FLUSH_SLAVE_TIMEOUT, SLAVE_NOT_AVAILABLE ->
                    " (the message was stored but not confirmed durable; check the broker's disk and slaves)";
            default -> "";
        };
    }
}
