package io.tidemq.common.filter;

/**
 * A subscription's tag expression does not follow the grammar of {@link TagExpression}; the message names the
 * offending tag and shows the syntax. An argument error on the client; the broker answers SUBSCRIPTION_INVALID.
 */
public final class InvalidTagExpressionException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    public InvalidTagExpressionException(String message) {
        super(message);
    }
}
