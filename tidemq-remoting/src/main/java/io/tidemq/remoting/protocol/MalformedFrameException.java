package io.tidemq.remoting.protocol;

/**
 * A received frame breaks the layout of {@link FrameLayout} or a configured limit. The connection it came
 * from can no longer be trusted to be in sync and is closed; the message says what was wrong.
 */
public final class MalformedFrameException extends Exception {

    private static final long serialVersionUID = 1L;

    public MalformedFrameException(String reason) {
        super(reason);
    }
}
