package io.tidemq.client;

import io.tidemq.common.protocol.ResponseCode;

/**
 * A server answered a request (other than a send) with an error code that has no more specific exception;
 * the remark says why. The one table from codes to exceptions is {@code client.remoting.ResponseCodes}.
 */
public class RequestFailedException extends ClientException {

    private static final long serialVersionUID = 1L;

    private final String address;
    private final int code;
    private final String remark;

    public RequestFailedException(String what, String address, int code, String remark) {
        super(what + " on " + address + " failed with " + ResponseCode.describe(code) + ": "
                + (remark == null || remark.isBlank() ? "(the server gave no reason)" : remark));
        this.address = address;
        this.code = code;
        this.remark = remark;
    }

    /** The server ({@code host:port}) that answered. */
    public String address() {
        return address;
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
