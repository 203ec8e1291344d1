package io.tidemq.client.admin;

import io.tidemq.common.protocol.ResponseCode;

/** A server answered an admin request with an error code; the remark is the server's explanation. */
public final class AdminRequestFailedException extends AdminException {

    private static final long serialVersionUID = 1L;

    private final String address;
    private final int code;
    private final String remark;

    public AdminRequestFailedException(String what, String address, int code, String remark) {
        super(what + " on " + address + " failed with " + ResponseCode.describe(code) + ": "
                + (remark == null || remark.isBlank() ? "(the server gave no reason)" : remark));
        this.address = address;
        this.code = code;
        this.remark = remark;
    }

    public String address() {
        return address;
    }

    /** The wire response code. */
    public int code() {
        return code;
    }

    /** The code as a constant, or {@code null} when this build does not know it. */
    public ResponseCode responseCode() {
        return ResponseCode.fromCode(code);
    }

    public String remark() {
        return remark;
    }
}
