package io.tidemq.broker.ha;

import io.tidemq.store.api.PutResult;

import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/** Wraps every put of the broker: replication may refuse it, or complete it only once replicated. */
@FunctionalInterface
public interface PutGate {

    /** No replication: the put as it is. */
    PutGate NONE = Supplier::get;

    /**
     * @param put appends locally when called; the gate calls it at most once, on the calling thread
     * @return the put's outcome as the client should see it; never blocks the caller
     */
    CompletableFuture<PutResult> put(Supplier<CompletableFuture<PutResult>> put);
}
