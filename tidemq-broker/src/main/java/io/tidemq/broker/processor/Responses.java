package io.tidemq.broker.processor;

import io.tidemq.common.protocol.ResponseCode;
import io.tidemq.remoting.protocol.RemotingCommand;
import io.tidemq.store.DiskFullException;
import io.tidemq.store.FsyncFailedException;
import io.tidemq.store.InvalidMessageException;
import io.tidemq.store.MalformedMessageIdException;
import io.tidemq.store.MessageTooLargeException;
import io.tidemq.store.PropertiesTooLargeException;
import io.tidemq.store.StoreClosedException;
import io.tidemq.store.SyncFlushTimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/** Builds error responses and maps failures (store exceptions above all) to response codes, one to one. */
public final class Responses {

    private static final Logger LOG = LoggerFactory.getLogger(Responses.class);

    private Responses() {
    }

    public static RemotingCommand error(ResponseCode code, String remark) {
        return RemotingCommand.createResponse(code, remark);
    }

    /** The response for a failure; unexpected ones are logged with their stack trace and answer SYSTEM_ERROR. */
    public static RemotingCommand fromFailure(Throwable failure, String context) {
        Throwable t = unwrap(failure);
        ResponseCode code = codeOf(t);
        if (code == ResponseCode.SYSTEM_ERROR) {
            LOG.error("{} failed", context, t);
        }
        String message = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
        return error(code, message);
    }

    static ResponseCode codeOf(Throwable t) {
        if (t instanceof MessageTooLargeException || t instanceof PropertiesTooLargeException) {
            return ResponseCode.MESSAGE_TOO_LARGE;
        }
        if (t instanceof InvalidMessageException) {
            return ResponseCode.MESSAGE_ILLEGAL;
        }
        if (t instanceof DiskFullException) {
            return ResponseCode.DISK_FULL;
        }
        if (t instanceof SyncFlushTimeoutException) {
            return ResponseCode.FLUSH_DISK_TIMEOUT;
        }
        if (t instanceof StoreClosedException || t instanceof FsyncFailedException) {
            return ResponseCode.SERVICE_NOT_AVAILABLE;
        }
        if (t instanceof MalformedMessageIdException || t instanceof IllegalArgumentException) {
            return ResponseCode.INVALID_PARAMETER;
        }
        return ResponseCode.SYSTEM_ERROR;
    }

    static Throwable unwrap(Throwable t) {
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }
}
