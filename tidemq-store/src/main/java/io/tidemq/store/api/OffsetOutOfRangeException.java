package io.tidemq.store.api;

/**
 * A read asked for an offset the store does not hold: below the retained minimum (the file was deleted by
 * retention) or at/after the end. The message and {@link #minOffset()} tell the caller where to restart.
 */
public class OffsetOutOfRangeException extends StoreException {

    private final long requestedOffset;
    private final long minOffset;
    private final long maxOffset;

    public OffsetOutOfRangeException(String what, long requestedOffset, long minOffset, long maxOffset) {
        super(what + " offset " + requestedOffset + " is out of range: the store holds [" + minOffset + ", "
                + maxOffset + "); older data was deleted by retention, restart from " + minOffset);
        this.requestedOffset = requestedOffset;
        this.minOffset = minOffset;
        this.maxOffset = maxOffset;
    }

    /** For subclasses that explain themselves. */
    protected OffsetOutOfRangeException(long requestedOffset, long minOffset, long maxOffset, String message) {
        super(message);
        this.requestedOffset = requestedOffset;
        this.minOffset = minOffset;
        this.maxOffset = maxOffset;
    }

    public long requestedOffset() {
        return requestedOffset;
    }

    /** The smallest offset currently readable. */
    public long minOffset() {
        return minOffset;
    }

    /** One past the largest offset currently readable. */
    public long maxOffset() {
        return maxOffset;
    }
}
