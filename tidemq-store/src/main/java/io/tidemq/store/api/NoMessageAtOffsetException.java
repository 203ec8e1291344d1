package io.tidemq.store.api;

/**
 * A read by physical offset (a message id from a client, a send-back offset) asked for an offset inside the
 * CommitLog's range where no record starts: the offset is wrong, the data is not damaged. Nothing is logged as
 * corruption and nothing is counted; the caller answers "no such message". An {@link OffsetOutOfRangeException}
 * so callers that treat "not held" as "not found" need nothing more.
 */
public class NoMessageAtOffsetException extends OffsetOutOfRangeException {

    public NoMessageAtOffsetException(long physicalOffset, long minOffset, long maxOffset, String what) {
        super(physicalOffset, minOffset, maxOffset, "no message starts at CommitLog physical offset " + physicalOffset
                + " (" + what + "); check the message id or offset: it does not point at the start of a message");
    }
}
