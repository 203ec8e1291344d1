package io.tidemq.remoting.exception;

/** A request could not be completed by the transport. The subtype says at which step it failed. */
public class RemotingException extends Exception {

    private static final long serialVersionUID = 1L;

    public RemotingException(String message) {
        super(message);
    }

    public RemotingException(String message, Throwable cause) {
        super(message, cause);
    }
}
