package io.tidemq.broker.wire;

import io.tidemq.common.protocol.ResponseCode;
import io.tidemq.remoting.protocol.RemotingCommand;

/**
 * A request the broker refuses, with the response code to answer and a remark telling the client what to do.
 * Thrown by validation deep in a processor and turned into a response at its top; no stack trace is captured
 * because it is an expected outcome, not a bug.
 */
public final class RequestRejectedException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final transient ResponseCode code;

    public RequestRejectedException(ResponseCode code, String remark) {
        super(remark, null, false, false);
        this.code = code;
    }

    public ResponseCode code() {
        return code;
    }

    public RemotingCommand toResponse() {
        return RemotingCommand.createResponse(code, getMessage());
    }
}
