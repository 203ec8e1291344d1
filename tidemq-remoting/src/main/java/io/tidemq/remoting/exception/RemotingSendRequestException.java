package io.tidemq.remoting.exception;

/**
 * The request could not be written to the connection (closed meanwhile, or the frame could not be encoded,
 * for instance because it exceeds {@code maxFrameBytes}). The server never received it.
 */
public class RemotingSendRequestException extends RemotingException {

    private static final long serialVersionUID = 1L;

    public RemotingSendRequestException(String message, Throwable cause) {
        super(message, cause);
    }
}
