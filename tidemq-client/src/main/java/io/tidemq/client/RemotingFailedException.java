package io.tidemq.client;

/**
 * A request never got an answer: the server could not be reached, the connection closed, or no response
 * arrived in time ({@code requestTimeoutMs}). The cause is the transport's exception.
 * {@link NameServerUnavailableException} and {@link BrokerUnavailableException} say which kind of server.
 */
public class RemotingFailedException extends ClientException {

    private static final long serialVersionUID = 1L;

    private final String address;
    private final boolean requestNotSent;

    public RemotingFailedException(String what, String address, Throwable cause) {
        this(what, address, cause, false);
    }

    /**
     * @param requestNotSent the request never left this client (no connection could be opened), so the server
     *                       cannot have acted on it
     */
    public RemotingFailedException(String what, String address, Throwable cause, boolean requestNotSent) {
        super(what + " to " + address + " failed: " + cause.getMessage()
                + " (check that the server is up and reachable, or raise requestTimeoutMs if it is overloaded)", cause);
        this.address = address;
        this.requestNotSent = requestNotSent;
    }

    /** For subclasses that word the message themselves. */
    protected RemotingFailedException(String message, Throwable cause, String address) {
        super(message, cause);
        this.address = address;
        this.requestNotSent = false;
    }

    /** The server address ({@code host:port}) the request went to; several, comma-separated, for NameServers. */
    public String address() {
        return address;
    }

    /**
     * Whether the request is known never to have left this client (no connection could be opened): retrying
     * it cannot make the server act twice. {@code false} when the server may have received it (a timeout, a
     * connection closed while waiting).
     */
    public boolean requestNotSent() {
        return requestNotSent;
    }
}
