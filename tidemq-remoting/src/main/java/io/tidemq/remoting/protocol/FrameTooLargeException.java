package io.tidemq.remoting.protocol;

/** An outgoing command encodes to more than {@code maxFrameBytes}; it is not sent. */
public final class FrameTooLargeException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    public FrameTooLargeException(String message) {
        super(message);
    }
}
