package io.tidemq.client.remoting;

import io.tidemq.common.protocol.ResponseCode;

/** A server's answer to a request whose failure codes the caller weighs itself: the code and the remark. */
public record Answer(int code, String remark) {

    public boolean isSuccess() {
        return code == ResponseCode.SUCCESS.code();
    }

    public boolean is(ResponseCode responseCode) {
        return code == responseCode.code();
    }
}
