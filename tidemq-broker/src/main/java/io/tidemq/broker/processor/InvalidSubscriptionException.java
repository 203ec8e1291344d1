package io.tidemq.broker.processor;

/** A pull's subscription expression cannot be parsed; answered with SUBSCRIPTION_INVALID. */
public final class InvalidSubscriptionException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    public InvalidSubscriptionException(String message) {
        super(message);
    }
}
