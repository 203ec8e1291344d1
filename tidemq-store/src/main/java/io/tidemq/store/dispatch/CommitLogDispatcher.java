package io.tidemq.store.dispatch;

import io.tidemq.store.commitlog.DispatchRequest;

/**
 * Receives every record the CommitLog has made durable-enough to index, in CommitLog order.
 *
 * <p>Called only from the single dispatcher thread ({@code tidemq-dispatch}) that tails the CommitLog,
 * and from recovery before that thread starts; implementations therefore need no locking against each
 * other, but must make whatever they expose to readers safe for concurrent reads.
 */
public interface CommitLogDispatcher {

    void dispatch(DispatchRequest request);
}
