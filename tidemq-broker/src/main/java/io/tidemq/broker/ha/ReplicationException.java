package io.tidemq.broker.ha;

import io.tidemq.common.protocol.ResponseCode;

/** A send refused or unconfirmed because of replication; carries the response code the client gets. */
public class ReplicationException extends RuntimeException {

    private final ResponseCode code;
    /** NOT_MASTER: the current master's client address, or null when none is known. */
    private final String masterAddress;

    public ReplicationException(ResponseCode code, String message) {
        this(code, message, null);
    }

    public ReplicationException(ResponseCode code, String message, String masterAddress) {
        super(message);
        this.code = code;
        this.masterAddress = masterAddress;
    }

    public ResponseCode code() {
        return code;
    }

    /** NOT_MASTER: the current master's {@code host:port} for clients, or null when none is known. */
    public String masterAddress() {
        return masterAddress;
    }
}
