package io.tidemq.remoting.exception;

/**
 * No response arrived within the call's timeout. The server may still have executed the request, so a
 * retry must be safe to repeat (or deduplicated by the server).
 */
public class RemotingTimeoutException extends RemotingException {

    private static final long serialVersionUID = 1L;

    public RemotingTimeoutException(String message) {
        super(message);
    }
}
