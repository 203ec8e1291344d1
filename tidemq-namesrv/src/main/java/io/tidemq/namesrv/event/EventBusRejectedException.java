package io.tidemq.namesrv.event;

/**
 * The event bus could not accept an event: its queue is full (the NameServer is overloaded; the broker
 * should retry later) or it is shutting down.
 */
public final class EventBusRejectedException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final boolean shuttingDown;

    public EventBusRejectedException(String message, boolean shuttingDown) {
        super(message);
        this.shuttingDown = shuttingDown;
    }

    /** {@code true} when the bus is closed, {@code false} when it is only full. */
    public boolean shuttingDown() {
        return shuttingDown;
    }
}
