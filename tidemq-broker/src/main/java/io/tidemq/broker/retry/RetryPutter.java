package io.tidemq.broker.retry;

import io.tidemq.store.api.MessageRecord;
import io.tidemq.store.api.PutResult;

import java.util.concurrent.CompletableFuture;

/**
 * Where retry, dead-letter and resent copies are stored: the broker's one put path, so a copy carrying
 * DELIVER_AT_MS waits in the timer like any delayed message. Completes when the store acknowledged the put.
 */
@FunctionalInterface
public interface RetryPutter {

    CompletableFuture<PutResult> put(MessageRecord record);
}
