package io.tidemq.broker.transaction;

import io.tidemq.store.api.MessageRecord;
import io.tidemq.store.api.PutResult;

import java.util.concurrent.CompletableFuture;

/**
 * Where a committed transactional message is put: the broker's one put path, so a committed message that
 * carries a delay is scheduled like any delayed message. Completes when the store acknowledged the put.
 */
@FunctionalInterface
public interface CommitPutter {

    CompletableFuture<PutResult> put(MessageRecord record);
}
