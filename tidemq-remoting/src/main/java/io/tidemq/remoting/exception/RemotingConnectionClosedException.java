package io.tidemq.remoting.exception;

/**
 * The connection closed after the request was sent and before its response arrived. As with a timeout,
 * the server may or may not have executed it.
 */
public class RemotingConnectionClosedException extends RemotingException {

    private static final long serialVersionUID = 1L;

    public RemotingConnectionClosedException(String message) {
        super(message);
    }
}
