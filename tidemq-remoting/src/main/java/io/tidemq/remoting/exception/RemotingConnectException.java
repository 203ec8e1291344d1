package io.tidemq.remoting.exception;

/** No connection to the address could be opened; the request was not sent, so retrying is safe. */
public class RemotingConnectException extends RemotingException {

    private static final long serialVersionUID = 1L;

    public RemotingConnectException(String address, Throwable cause) {
        super("cannot connect to " + address + " (" + describe(cause)
                + "); check that the server is running and that the address and port are right", cause);
    }

    private static String describe(Throwable cause) {
        if (cause == null) {
            return "unknown cause";
        }
        return cause.getMessage() != null ? cause.getMessage() : cause.getClass().getSimpleName();
    }
}
