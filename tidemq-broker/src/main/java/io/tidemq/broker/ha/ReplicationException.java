package io.tidemq.broker.ha;

import io.tidemq.common.protocol.ResponseCode;

/** A send refused or unconfirmed because of replication; carries the response code the client gets. */
public class ReplicationException extends RuntimeException {

    private final ResponseCode code;

    public ReplicationException(ResponseCode code, String message) {
        super(message);
        this.code = code;
    }

    public ResponseCode code() {
        return code;
    }
}
