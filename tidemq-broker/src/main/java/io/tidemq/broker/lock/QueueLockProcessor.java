package io.tidemq.broker.lock;

import io.tidemq.broker.wire.RequestRejectedException;
import io.tidemq.broker.wire.Responses;
import io.tidemq.common.json.Json;
import io.tidemq.common.message.MessageQueue;
import io.tidemq.common.names.NameValidator;
import io.tidemq.common.protocol.RequestCode;
import io.tidemq.common.protocol.ResponseCode;
import io.tidemq.common.protocol.body.LockBatchRequest;
import io.tidemq.common.protocol.body.LockBatchResponse;
import io.tidemq.common.protocol.body.UnlockBatchRequest;
import io.tidemq.remoting.RemotingChannel;
import io.tidemq.remoting.SyncRequestProcessor;
import io.tidemq.remoting.protocol.RemotingCommand;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.UncheckedIOException;
import java.util.Set;

/**
 * LOCK_BATCH_MQ and UNLOCK_BATCH_MQ over the broker's {@link QueueLockTable}. Both bodies are JSON
 * ({@link LockBatchRequest}, {@link UnlockBatchRequest}); a lock answers a {@link LockBatchResponse} with the
 * queues granted and the lease length, an unlock answers SUCCESS with field {@code released}. A queue of another
 * broker, or more than {@value #MAX_QUEUES_PER_REQUEST} queues in one request, is refused as INVALID_PARAMETER.
 * A change of holder is saved ({@link QueueLockFile}) before the request is answered.
 */
public final class QueueLockProcessor implements SyncRequestProcessor {

    private static final Logger LOG = LoggerFactory.getLogger(QueueLockProcessor.class);

    /** Far above any real assignment; bounds the work one request can ask for. */
    static final int MAX_QUEUES_PER_REQUEST = 65_536;

    private final String brokerName;
    private final QueueLockTable table;
    private final QueueLockFile file;

    public QueueLockProcessor(String brokerName, QueueLockTable table, QueueLockFile file) {
        this.brokerName = brokerName;
        this.table = table;
        this.file = file;
    }

    @Override
    public RemotingCommand process(RemotingChannel channel, RemotingCommand request) {
        RequestCode code = RequestCode.fromCode(request.code());
        try {
            if (code == RequestCode.LOCK_BATCH_MQ) {
                return lock(channel, request);
            }
            if (code == RequestCode.UNLOCK_BATCH_MQ) {
                return unlock(channel, request);
            }
            return Responses.error(ResponseCode.REQUEST_CODE_NOT_SUPPORTED,
                    RequestCode.describe(request.code()) + " is not served by the queue lock processor");
        } catch (RequestRejectedException e) {
            return e.toResponse();
        } catch (RuntimeException e) {
            return Responses.fromFailure(e, RequestCode.describe(request.code()));
        }
    }

    private RemotingCommand lock(RemotingChannel channel, RemotingCommand request) {
        LockBatchRequest body = parse(request, LockBatchRequest.class, "LockBatchRequest");
        check(body.consumerGroup(), body.clientId(), body.queues());
        Set<MessageQueue> granted = table.tryLock(body.consumerGroup(), body.clientId(), body.queues(),
                seq(body.requestSeq()));
        file.sync(); // a grant is answered only once it would survive a restart
        if (granted.size() < body.queues().size() && LOG.isDebugEnabled()) {
            LOG.debug("group {}: client {} at {} asked for {} queue locks, got {} (others are held by live clients)",
                    body.consumerGroup(), body.clientId(), channel.remoteAddress(), body.queues().size(), granted);
        }
        return RemotingCommand.success().setBody(Json.toBytes(new LockBatchResponse(granted, table.leaseMs())));
    }

    private RemotingCommand unlock(RemotingChannel channel, RemotingCommand request) {
        UnlockBatchRequest body = parse(request, UnlockBatchRequest.class, "UnlockBatchRequest");
        check(body.consumerGroup(), body.clientId(), body.queues());
        int released = table.unlock(body.consumerGroup(), body.clientId(), body.queues(),
                seq(body.requestSeq()));
        file.sync();
        LOG.debug("group {}: client {} at {} released {} of {} queue locks", body.consumerGroup(), body.clientId(),
                channel.remoteAddress(), released, body.queues().size());
        return RemotingCommand.success().putField("released", released);
    }

    private static long seq(Long requestSeq) {
        if (requestSeq == null) {
            return QueueLockTable.NO_SEQ;
        }
        if (requestSeq < 0) {
            throw invalid("requestSeq must be >= 0, was " + requestSeq);
        }
        return requestSeq;
    }

    private static <T> T parse(RemotingCommand request, Class<T> type, String name) {
        if (request.body() == null || request.body().length == 0) {
            throw invalid(RequestCode.describe(request.code()) + " needs a JSON " + name
                    + " body");
        }
        try {
            T body = Json.fromBytes(request.body(), type);
            if (body == null) {
                throw invalid(RequestCode.describe(request.code()) + " body is not a " + name);
            }
            return body;
        } catch (UncheckedIOException e) {
            throw invalid(RequestCode.describe(request.code()) + " body is not a " + name
                    + " JSON: " + e.getMessage());
        }
    }

    private void check(String group, String clientId, Set<MessageQueue> queues) {
        if (group == null) {
            throw invalid("consumerGroup is required");
        }
        NameValidator.checkGroup(group);
        if (clientId == null || clientId.isBlank()) {
            throw invalid("clientId is required");
        }
        if (queues == null) {
            throw invalid("queues is required (it may be empty)");
        }
        if (queues.size() > MAX_QUEUES_PER_REQUEST) {
            throw invalid(queues.size() + " queues in one request; send at most "
                    + MAX_QUEUES_PER_REQUEST);
        }
        for (MessageQueue mq : queues) {
            if (mq == null || mq.topic() == null || !brokerName.equals(mq.brokerName())) {
                throw invalid("queue " + mq + " is not hosted by broker " + brokerName
                        + "; send each queue's lock request to the broker named in the queue");
            }
        }
    }

    private static RequestRejectedException invalid(String remark) {
        return new RequestRejectedException(ResponseCode.INVALID_PARAMETER, remark);
    }
}
