package io.tidemq.client;

/**
 * A request never got an answer: the server could not be reached, the connection closed, or no response
 * arrived in time ({@code requestTimeoutMs}). The cause is the transport's exception.
 */
public final class RemotingFailedException extends ClientException {

    private static final long serialVersionUID = 1L;

    private final String address;

    public RemotingFailedException(String what, String address, Throwable cause) {
        super(what + " to " + address + " failed: " + cause.getMessage()
                + " (check that the server is up and reachable, or raise requestTimeoutMs if it is overloaded)", cause);
        this.address = address;
    }

    /** The server address ({@code host:port}) the request went to. */
    public String address() {
        return address;
    }
}
