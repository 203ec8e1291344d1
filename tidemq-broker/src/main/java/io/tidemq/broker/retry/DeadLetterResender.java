package io.tidemq.broker.retry;

import io.tidemq.broker.store.BrokerStore;
import io.tidemq.broker.wire.RequestRejectedException;
import io.tidemq.common.protocol.ResponseCode;
import io.tidemq.store.api.GetResult;
import io.tidemq.store.api.MessageStore;
import io.tidemq.store.api.PutResult;
import io.tidemq.store.api.StoredMessage;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.LongPredicate;
import java.util.function.Supplier;

/**
 * Puts dead letters back into their group's retry topic (see {@link DeadLetterAdminProcessor}). Runs on the
 * admin executor and waits for each chunk of puts, so a request resends a bounded number of messages
 * ({@value #MAX_PER_REQUEST}) and reports how many remain.
 */
final class DeadLetterResender {

    static final int MAX_PER_REQUEST = 1_000;
    private static final int CHUNK = 64;
    private static final long CHUNK_BYTES = 16L << 20;
    private static final long PUT_TIMEOUT_MS = 10_000;

    /** How far a resend got: the next DLQ offset to resend, and the failure that stopped it, if any. */
    record Progress(int resent, long nextOffset, long remaining, RequestRejectedException failure) {
    }

    private final MessageStore store;
    private final RetryTopics retryTopics;
    /** Resent copies go through the put door (a copy carrying a delay would wait in the timer). */
    private final BrokerStore door;
    private final Supplier<InetSocketAddress> storeHost;

    DeadLetterResender(BrokerStore door, RetryTopics retryTopics, Supplier<InetSocketAddress> storeHost) {
        this.store = door.store();
        this.door = door;
        this.retryTopics = retryTopics;
        this.storeHost = storeHost;
    }

    void resendOne(String group, StoredMessage deadLetter) {
        retryTopics.ensureRetryTopic(group);
        await(List.of(door.putSystemMessage(RetryRecords.resentCopy(deadLetter, group, storeHost.get()))));
    }

    /**
     * Resends from {@code cursor} (or the oldest kept message, whichever is later) on, at most MAX_PER_REQUEST,
     * skipping the offsets {@code alreadyResent} accepts.
     */
    Progress resendFrom(String group, String dlq, long cursor, LongPredicate alreadyResent) {
        retryTopics.ensureRetryTopic(group);
        long offset = Math.max(cursor, store.minQueueOffset(dlq, RetryTopics.QUEUE_ID));
        long max = store.maxQueueOffset(dlq, RetryTopics.QUEUE_ID);
        int resent = 0;
        InetSocketAddress host = storeHost.get();
        while (offset < max && resent < MAX_PER_REQUEST) {
            GetResult r = store.getMessages(dlq, RetryTopics.QUEUE_ID, offset,
                    Math.min(CHUNK, MAX_PER_REQUEST - resent), CHUNK_BYTES, null);
            if (r.messages().isEmpty()) {
                offset = Math.max(offset + 1, r.nextBeginOffset());
                continue;
            }
            List<CompletableFuture<PutResult>> puts = new ArrayList<>(r.messages().size());
            for (StoredMessage m : r.messages()) {
                if (!alreadyResent.test(m.queueOffset())) {
                    puts.add(door.putSystemMessage(RetryRecords.resentCopy(m, group, host)));
                }
            }
            try {
                await(puts);
            } catch (RequestRejectedException e) {
                // the whole chunk is resent again next time: a possible duplicate rather than a loss
                return new Progress(resent, offset, max - offset, e);
            }
            resent += puts.size();
            offset = r.nextBeginOffset();
        }
        return new Progress(resent, offset, Math.max(0, max - offset), null);
    }

    private static void await(List<CompletableFuture<PutResult>> puts) {
        try {
            CompletableFuture.allOf(puts.toArray(new CompletableFuture<?>[0])).get(PUT_TIMEOUT_MS, TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            throw new RequestRejectedException(ResponseCode.SYSTEM_ERROR, "resending dead letters failed: "
                    + cause.getMessage() + "; run the resend again (messages already resent are skipped)");
        } catch (TimeoutException e) {
            throw new RequestRejectedException(ResponseCode.SYSTEM_BUSY, "the store did not acknowledge resent dead"
                    + " letters within " + PUT_TIMEOUT_MS + " ms; run the resend again");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RequestRejectedException(ResponseCode.SYSTEM_ERROR, "resending dead letters was interrupted");
        }
    }
}
