package io.tidemq.common.names;

/** A topic, group, lane or cluster name that breaks the naming rules; the message says which rule. */
public final class InvalidNameException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    public InvalidNameException(String message) {
        super(message);
    }
}
