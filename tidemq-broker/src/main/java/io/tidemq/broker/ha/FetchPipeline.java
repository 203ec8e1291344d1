package io.tidemq.broker.ha;

/**
 * The slave's schedule of HA_FETCH requests on one connection, at most {@link #MAX_IN_FLIGHT} in flight. A fetch
 * names where to read ({@code position}) and what this replica holds ({@code ackOffset}, its acknowledgement); the
 * two differ once fetches are pipelined:
 * <ol>
 *   <li>when a batch {@code [p, p + n)} arrives, the next data fetch (from {@code p + n}) is sent before the batch is
 *       appended, so the master reads and sends the next bytes while this replica verifies and writes these; it
 *       acknowledges only what was appended before it left;</li>
 *   <li>once the batch is appended, an acknowledgement ({@code maxBytes = 0}: the master answers at once, with no
 *       bytes and its commit point) reports the new end, so a SYNC send waits for no more than the append;</li>
 *   <li>an empty answer (nothing new within the master's wait) is followed by one data fetch from the same
 *       position, which also acknowledges everything appended.</li>
 * </ol>
 * At the master's log end (the batch holds everything the master had, the usual case of SYNC replication) reading
 * ahead gains nothing: the next fetch would only be held at the master. There the next data fetch leaves after the
 * append instead and is itself the acknowledgement, so a batch costs one request instead of two (a data fetch and an
 * acknowledgement, each a wake-up of both JVMs on a machine whose cores the master, the slave and the clients share).
 * An acknowledgement never exceeds the bytes appended when it was sent, so the master's commit point only counts
 * bytes this replica holds. Pure bookkeeping, no I/O; owned by the HA client thread.
 */
final class FetchPipeline {

    /** Data fetches and acknowledgements in flight at most. */
    static final int MAX_IN_FLIGHT = 2;

    /**
     * One HA_FETCH to send.
     *
     * @param ackOnly an acknowledgement: {@code maxBytes = 0}, answered at once without bytes
     */
    record Fetch(long position, long ackOffset, boolean ackOnly) {
    }

    /** This replica's log end: every byte below it is appended and verified. */
    private long appended;
    /** What the last fetch sent acknowledged. */
    private long acknowledged;
    /** Where the data fetch in flight reads from (the end of the bytes received so far). */
    private long position;
    /** The end of the batch received and not appended yet, or -1. */
    private long pendingEnd = -1;
    /** The batch waiting to be appended reached the master's end: its data fetch leaves after the append. */
    private boolean fetchAfterAppend;
    private int inFlight;

    /** @param logEnd this replica's log end after the handshake */
    FetchPipeline(long logEnd) {
        this.appended = logEnd;
        this.acknowledged = logEnd;
        this.position = logEnd;
    }

    /** The first data fetch of the connection. */
    Fetch start() {
        if (inFlight != 0) {
            throw new IllegalStateException("the pipeline already started");
        }
        return send(new Fetch(position, appended, false));
    }

    /**
     * The data fetch's answer arrived: {@code bytes} bytes from {@code baseOffset}, not the whole of the master's log
     * (the master holds more): {@link #onData(long, int, boolean)} with {@code atMasterEnd = false}.
     */
    Fetch onData(long baseOffset, int bytes) {
        return onData(baseOffset, bytes, false);
    }

    /**
     * The data fetch's answer arrived: {@code bytes} bytes from {@code baseOffset}.
     *
     * @param atMasterEnd the batch ends at the master's log end (the answer's {@code masterMaxOffset})
     * @return the next data fetch, to send before the batch is appended; null when a non-empty batch reached the
     *         master's end: the next data fetch is then returned by {@link #onAppended} and acknowledges the batch
     * @throws IllegalArgumentException when the master answered another offset than the one asked for
     */
    Fetch onData(long baseOffset, int bytes, boolean atMasterEnd) {
        if (pendingEnd >= 0) {
            throw new IllegalStateException("batch up to " + pendingEnd + " is not appended yet");
        }
        if (bytes > 0 && baseOffset != position) {
            throw new IllegalArgumentException("the master answered offset " + baseOffset + " to a fetch at "
                    + position);
        }
        inFlight--;
        if (bytes > 0) {
            position += bytes;
            pendingEnd = position;
            if (atMasterEnd) {
                fetchAfterAppend = true;
                return null;
            }
        }
        return send(new Fetch(position, appended, false));
    }

    /**
     * The batch received last was appended up to {@code end}.
     *
     * @return the request to send now: the next data fetch, acknowledging the append, when the batch reached the
     *         master's end ({@link #onData(long, int, boolean)} returned null); otherwise an acknowledgement, or
     *         null when there is nothing new to acknowledge
     * @throws IllegalArgumentException when the append did not end where the batch did
     */
    Fetch onAppended(long end) {
        if (pendingEnd < 0) {
            throw new IllegalStateException("no batch waits to be appended");
        }
        if (end != pendingEnd) {
            throw new IllegalArgumentException("the batch ended at " + end + ", the master's bytes at " + pendingEnd);
        }
        appended = end;
        pendingEnd = -1;
        if (fetchAfterAppend) {
            fetchAfterAppend = false;
            return send(new Fetch(position, appended, false));
        }
        if (appended <= acknowledged || inFlight >= MAX_IN_FLIGHT) {
            return null;
        }
        return send(new Fetch(appended, appended, true));
    }

    /** An acknowledgement was answered. */
    void onAckAnswered() {
        inFlight--;
    }

    private Fetch send(Fetch fetch) {
        if (inFlight >= MAX_IN_FLIGHT) {
            throw new IllegalStateException(MAX_IN_FLIGHT + " fetches are in flight already");
        }
        if (fetch.ackOffset() > appended) {
            throw new IllegalStateException("would acknowledge " + fetch.ackOffset() + " with " + appended
                    + " appended");
        }
        inFlight++;
        acknowledged = Math.max(acknowledged, fetch.ackOffset());
        return fetch;
    }

    int inFlight() {
        return inFlight;
    }

    long appended() {
        return appended;
    }

    long acknowledged() {
        return acknowledged;
    }
}
