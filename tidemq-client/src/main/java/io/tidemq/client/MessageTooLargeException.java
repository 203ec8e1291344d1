package io.tidemq.client;

import io.tidemq.common.protocol.ResponseCode;

/**
 * A message (or a batch) is larger than the client's {@code maxMessageBytes}; thrown before anything is
 * sent. A broker with a smaller limit refuses with a plain {@link SendFailedException} whose code is
 * {@code MESSAGE_TOO_LARGE} and whose remark holds the broker's limit.
 */
public final class MessageTooLargeException extends SendFailedException {

    private static final long serialVersionUID = 1L;

    private final long sizeBytes;
    private final long limitBytes;

    public MessageTooLargeException(String what, long sizeBytes, long limitBytes) {
        super(what + " is " + sizeBytes + " bytes, above the limit maxMessageBytes=" + limitBytes
                + "; send a smaller message (split it, or store the payload elsewhere and send a reference),"
                + " or raise maxMessageBytes on both the client and the broker", ResponseCode.MESSAGE_TOO_LARGE);
        this.sizeBytes = sizeBytes;
        this.limitBytes = limitBytes;
    }

    public long sizeBytes() {
        return sizeBytes;
    }

    public long limitBytes() {
        return limitBytes;
    }
}
