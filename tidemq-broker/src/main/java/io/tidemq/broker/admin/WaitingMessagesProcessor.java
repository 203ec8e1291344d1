package io.tidemq.broker.admin;

import io.tidemq.broker.schedule.DelayedScan;
import io.tidemq.broker.schedule.TimerMessageService;
import io.tidemq.broker.transaction.TransactionCheckService;
import io.tidemq.broker.wire.RequestRejectedException;
import io.tidemq.broker.wire.Responses;
import io.tidemq.common.json.Json;
import io.tidemq.common.protocol.RequestCode;
import io.tidemq.common.protocol.ResponseCode;
import io.tidemq.common.protocol.body.WaitingMessages;
import io.tidemq.remoting.RemotingChannel;
import io.tidemq.remoting.SyncRequestProcessor;
import io.tidemq.remoting.protocol.RemotingCommand;
import io.tidemq.store.api.MessageStore;

import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * GET_WAITING_MESSAGES on the admin executor: the delayed messages waiting in the timer, per topic
 * ({@link DelayedScan}), and the half messages waiting for a decision
 * ({@link TransactionCheckService#waitingHalves}), each from a bounded read that says when it stopped early.
 * Stateless apart from its collaborators.
 */
public final class WaitingMessagesProcessor implements SyncRequestProcessor {

    private final MessageStore store;
    private final TimerMessageService timer;
    private final long rollWindowMs;
    private final Supplier<TransactionCheckService> transactions;
    private final LongSupplier clockMs;

    public WaitingMessagesProcessor(MessageStore store, TimerMessageService timer, long rollWindowMs,
                                    Supplier<TransactionCheckService> transactions, LongSupplier clockMs) {
        this.store = store;
        this.timer = timer;
        this.rollWindowMs = rollWindowMs;
        this.transactions = transactions;
        this.clockMs = clockMs;
    }

    @Override
    public RemotingCommand process(RemotingChannel channel, RemotingCommand request) {
        try {
            if (RequestCode.fromCode(request.code()) != RequestCode.GET_WAITING_MESSAGES) {
                throw new RequestRejectedException(ResponseCode.REQUEST_CODE_NOT_SUPPORTED,
                        RequestCode.describe(request.code()) + " is not served here");
            }
            return RemotingCommand.success().setBody(Json.toBytes(waiting()));
        } catch (RequestRejectedException r) {
            return r.toResponse();
        } catch (RuntimeException e) {
            return Responses.fromFailure(e, RequestCode.describe(request.code()));
        }
    }

    WaitingMessages waiting() {
        long now = clockMs.getAsLong();
        DelayedScan.Result delayed = DelayedScan.scan(store, rollWindowMs, now, DelayedScan.MAX_SCAN);
        TransactionCheckService.WaitingHalves halves = transactions.get().waitingHalves(DelayedScan.MAX_SCAN);
        return new WaitingMessages(now, timer.scheduledCount(), delayed.topics(), delayed.complete(), delayed.note(),
                halves.oldest(), halves.waiting(), halves.complete(), halves.note());
    }
}
