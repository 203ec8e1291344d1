package io.tidemq.client.admin;

/** A broker did not answer: unreachable, connection closed, or no response within the admin timeout. */
public final class BrokerUnavailableException extends AdminException {

    private static final long serialVersionUID = 1L;

    private final String brokerAddr;

    public BrokerUnavailableException(String what, String brokerAddr, Throwable cause) {
        super(what + " to broker " + brokerAddr + " failed: " + cause.getMessage() + ". Check that the broker runs"
                + " and is reachable from here (tidemq admin cluster list shows the registered addresses), or"
                + " raise --timeout-ms if it is overloaded", cause);
        this.brokerAddr = brokerAddr;
    }

    public String brokerAddr() {
        return brokerAddr;
    }
}
