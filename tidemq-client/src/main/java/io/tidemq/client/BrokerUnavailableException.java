package io.tidemq.client;

/** A broker did not answer: unreachable, connection closed, or no response within the timeout. */
public final class BrokerUnavailableException extends RemotingFailedException {

    private static final long serialVersionUID = 1L;

    public BrokerUnavailableException(String what, String brokerAddr, Throwable cause) {
        super(what + " to broker " + brokerAddr + " failed: " + cause.getMessage() + ". Check that the broker runs"
                + " and is reachable from here (tidemq admin cluster list shows the registered addresses), or"
                + " raise the timeout (requestTimeoutMs, or --timeout-ms) if it is overloaded", cause, brokerAddr);
    }

    public String brokerAddr() {
        return address();
    }
}
