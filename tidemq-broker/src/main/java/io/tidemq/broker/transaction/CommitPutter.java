package io.tidemq.broker.transaction;

import io.tidemq.store.MessageRecord;
import io.tidemq.store.PutResult;

import java.util.concurrent.CompletableFuture;

/**
 * Where a committed transactional message is put: the broker's one put path, so a committed message that
 * carries a delay is scheduled like any delayed message. Completes when the store acknowledged the put.
 */
@FunctionalInterface
public interface CommitPutter {

    CompletableFuture<PutResult> put(MessageRecord record);
}
