package io.tidemq.broker.transaction;

import io.tidemq.broker.wire.Responses;
import io.tidemq.common.protocol.ResponseCode;
import io.tidemq.common.protocol.header.Headers;
import io.tidemq.remoting.RemotingChannel;
import io.tidemq.remoting.RequestProcessor;
import io.tidemq.remoting.protocol.RemotingCommand;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.CompletableFuture;

/**
 * END_TRANSACTION: a producer's decision about one of its half messages, on its own initiative or answering a
 * check-back. Answers once the decision in force is recorded; a duplicate answers SUCCESS and names the
 * decision that was applied first. UNKNOWN records nothing: the broker checks back later.
 */
public final class EndTransactionProcessor implements RequestProcessor {

    private static final Logger LOG = LoggerFactory.getLogger(EndTransactionProcessor.class);

    private final TransactionalMessageService transactions;

    public EndTransactionProcessor(TransactionalMessageService transactions) {
        this.transactions = transactions;
    }

    @Override
    public CompletableFuture<RemotingCommand> processRequest(RemotingChannel channel, RemotingCommand request) {
        try {
            Headers.EndTransactionRequest h = request.readHeader(Headers.EndTransactionRequest.class);
            TransactionDecision decision = TransactionDecision.parse(h.decision());
            long halfOffset = TransactionalMessageService.halfOffset(h);
            String source = h.fromCheck() ? "CHECK" : "PRODUCER";
            if (decision == TransactionDecision.UNKNOWN) {
                LOG.debug("transaction {} of group {} from {} is still UNKNOWN; the broker will check back",
                        h.transactionId(), h.producerGroup(), channel.remoteAddress());
                return CompletableFuture.completedFuture(RemotingCommand.createResponse(ResponseCode.SUCCESS,
                        "half message at offset " + halfOffset + " stays undecided; the broker will check back"));
            }
            return transactions.decide(halfOffset, decision, source, h.producerGroup()).handle((r, failure) -> {
                if (failure != null) {
                    return Responses.fromFailure(failure, "END_TRANSACTION " + decision + " of half " + halfOffset);
                }
                if (r.duplicate() && r.applied() != null && r.applied() != decision) {
                    LOG.warn("transaction {} of group {}: {} ({}) ignored, the half at offset {} was already {}",
                            h.transactionId(), h.producerGroup(), decision, source, halfOffset, r.applied());
                }
                if (r.unconfirmedDurable()) {
                    return RemotingCommand.createResponse(ResponseCode.FLUSH_DISK_TIMEOUT, r.describe(halfOffset)
                            + ", but the store did not confirm it durable within syncFlushTimeoutMs; the decision"
                            + " stands and is not applied again");
                }
                return RemotingCommand.createResponse(ResponseCode.SUCCESS, r.describe(halfOffset));
            });
        } catch (RuntimeException e) {
            return CompletableFuture.completedFuture(Responses.fromFailure(e, "END_TRANSACTION"));
        }
    }
}
