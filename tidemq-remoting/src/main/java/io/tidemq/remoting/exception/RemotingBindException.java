package io.tidemq.remoting.exception;

/** A server could not listen on its configured address and port. */
public class RemotingBindException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public RemotingBindException(String bindAddress, int port, Throwable cause) {
        super("cannot listen on " + bindAddress + ":" + port + " (" + cause.getMessage()
                + "); stop whatever uses the port or configure another listenPort (0 picks a free one)", cause);
    }
}
