package io.tidemq.client;

import io.tidemq.common.protocol.ResponseCode;

/** A server answered a request (other than a send) with an error code; the remark says why. */
public class RequestFailedException extends ClientException {

    private static final long serialVersionUID = 1L;

    private final int code;
    private final String remark;

    public RequestFailedException(String what, String address, int code, String remark) {
        super(what + " to " + address + " failed with " + ResponseCode.describe(code) + ": "
                + (remark == null ? "(no remark)" : remark));
        this.code = code;
        this.remark = remark;
    }

    /** The wire response code. */
    public int code() {
        return code;
    }

    /** The response code as a constant, or {@code null} when this build does not know it. */
    public ResponseCode responseCode() {
        return ResponseCode.fromCode(code);
    }

    public String remark() {
        return remark;
    }
}
