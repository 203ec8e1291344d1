package io.tidemq.client;

import io.tidemq.common.names.InvalidNameException;
import io.tidemq.common.names.NameValidator;

/**
 * An argument the SDK refuses before sending anything: a topic, group or cluster name that breaks the naming
 * rules (the cause is the {@link InvalidNameException} naming the rule), or a value out of its range. The
 * message says which rule and what to write instead.
 */
public final class InvalidArgumentException extends ClientException {

    private static final long serialVersionUID = 1L;

    public InvalidArgumentException(String message) {
        super(message);
    }

    public InvalidArgumentException(InvalidNameException cause) {
        super(cause.getMessage(), cause);
    }

    /** A value the SDK refuses, found by a check of tidemq-common ({@code cause}: e.g. an address that is not host:port). */
    public InvalidArgumentException(IllegalArgumentException cause) {
        super(cause.getMessage(), cause);
    }

    /** {@link NameValidator#checkTopic}, refusing with this exception. */
    public static String checkTopic(String topic) {
        try {
            NameValidator.checkTopic(topic);
            return topic;
        } catch (InvalidNameException e) {
            throw new InvalidArgumentException(e);
        }
    }

    /** {@link NameValidator#checkUserTopic}, refusing with this exception. */
    public static String checkUserTopic(String topic) {
        try {
            NameValidator.checkUserTopic(topic);
            return topic;
        } catch (InvalidNameException e) {
            throw new InvalidArgumentException(e);
        }
    }

    /** {@link NameValidator#checkGroup}, refusing with this exception. */
    public static String checkGroup(String group) {
        try {
            NameValidator.checkGroup(group);
            return group;
        } catch (InvalidNameException e) {
            throw new InvalidArgumentException(e);
        }
    }
}
