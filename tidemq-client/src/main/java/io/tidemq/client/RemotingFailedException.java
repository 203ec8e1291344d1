package io.tidemq.client;

/**
 * A request never got an answer: the server could not be reached, the connection closed, or no response
 * arrived in time ({@code requestTimeoutMs}). The cause is the transport's exception.
 * {@link NameServerUnavailableException} and {@link BrokerUnavailableException} say which kind of server.
 */
public class RemotingFailedException extends ClientException {

    private static final long serialVersionUID = 1L;

    private final String address;

    public RemotingFailedException(String what, String address, Throwable cause) {
        super(what + " to " + address + " failed: " + cause.getMessage()
                + " (check that the server is up and reachable, or raise requestTimeoutMs if it is overloaded)", cause);
        this.address = address;
    }

    /** For subclasses that word the message themselves. */
    protected RemotingFailedException(String message, String address, Throwable cause, boolean ignored) {
        super(message, cause);
        this.address = address;
    }

    /** The server address ({@code host:port}) the request went to; several, comma-separated, for NameServers. */
    public String address() {
        return address;
    }
}
