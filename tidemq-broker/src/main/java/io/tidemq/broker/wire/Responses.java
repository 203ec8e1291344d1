package io.tidemq.broker.wire;

import io.tidemq.broker.ha.ReplicationException;
import io.tidemq.common.message.BatchMessageIds;
import io.tidemq.common.message.MalformedMessageIdException;
import io.tidemq.common.protocol.ResponseCode;
import io.tidemq.common.protocol.header.Headers;
import io.tidemq.remoting.protocol.RemotingCommand;
import io.tidemq.store.api.DiskFullException;
import io.tidemq.store.api.FsyncFailedException;
import io.tidemq.store.api.InvalidMessageException;
import io.tidemq.store.api.MessageTooLargeException;
import io.tidemq.store.api.PropertiesTooLargeException;
import io.tidemq.store.api.PutResult;
import io.tidemq.store.api.StoreClosedException;
import io.tidemq.store.api.SyncFlushTimeoutException;
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
        RemotingCommand response = error(code, message);
        if (t instanceof ReplicationException replication && replication.masterAddress() != null) {
            response.putField("masterAddress", replication.masterAddress());
        }
        return response;
    }

    /**
     * The response to a failed put of SEND_MESSAGE or SEND_BATCH_MESSAGE. A put that was appended but not
     * confirmed durable in time (FLUSH_DISK_TIMEOUT) still carries the {@link Headers.SendMessageResponse} of
     * the stored message: the producer reports it as stored-but-unconfirmed instead of failing to parse it.
     *
     * @param transactionId the half's transaction id, or null
     */
    public static RemotingCommand fromPutFailure(Throwable failure, String context, int queueId, String transactionId) {
        return fromPutFailure(failure, context, queueId, transactionId, false);
    }

    /**
     * As {@link #fromPutFailure(Throwable, String, int, String)}; {@code compactIds}: a batch's ids in the compact form
     * (see {@link #stored}).
     */
    public static RemotingCommand fromPutFailure(Throwable failure, String context, int queueId, String transactionId,
                                                 boolean compactIds) {
        RemotingCommand response = fromFailure(failure, context);
        if (unwrap(failure) instanceof SyncFlushTimeoutException timeout && timeout.appended() != null) {
            response.writeHeader(stored(timeout.appended(), queueId, transactionId, compactIds));
        }
        return response;
    }

    /**
     * The header of a send's answer: where {@code result} stored the message, or the batch. A batch's ids are listed
     * comma-separated, or with {@code compactIds} (the producer asked for it: docs/protocol.md, SEND_BATCH_MESSAGE)
     * given as the first id and {@code recordBytes}, the records' sizes, from which the producer derives the others:
     * no id is written for the records after the first.
     */
    public static Headers.SendMessageResponse stored(PutResult result, int queueId, String transactionId,
                                                     boolean compactIds) {
        if (compactIds) {
            return new Headers.SendMessageResponse(result.msgId(), queueId, result.queueOffset(), transactionId,
                    BatchMessageIds.recordBytes(result.physicalOffsets(), result.endOffset()));
        }
        String msgId = result.storedCount() == 1 ? result.msgId() : String.join(",", result.msgIds());
        return new Headers.SendMessageResponse(msgId, queueId, result.queueOffset(), transactionId);
    }

    static ResponseCode codeOf(Throwable t) {
        if (t instanceof MessageTooLargeException || t instanceof PropertiesTooLargeException) {
            return ResponseCode.MESSAGE_TOO_LARGE;
        }
        if (t instanceof InvalidMessageException) {
            return ResponseCode.MESSAGE_ILLEGAL;
        }
        if (t instanceof ReplicationException replication) {
            return replication.code();
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
