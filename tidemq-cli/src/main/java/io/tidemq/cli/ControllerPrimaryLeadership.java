package io.tidemq.cli;

import io.tidemq.common.concurrent.NamedThreadFactory;
import io.tidemq.controller.ControllerUnavailableException;
import io.tidemq.controller.node.ControllerNode;
import io.tidemq.controller.state.Command;
import io.tidemq.controller.state.NamesrvChain;
import io.tidemq.controller.state.Reply;
import io.tidemq.namesrv.replication.PrimaryLeadership;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * The controller peer in a NameServer's process ({@code tidemq namesrv --controller-config}) as the NameServer's
 * {@link PrimaryLeadership}: the peer's leadership term, the chain order as this peer applied it, and chain changes
 * proposed through the quorum. Proposals block on the Ratis client, so they run on their own thread
 * ({@value #THREAD_NAME}), one at a time.
 */
final class ControllerPrimaryLeadership implements PrimaryLeadership, AutoCloseable {

    static final String THREAD_NAME = "tidemq-namesrv-chain-proposer";
    private static final Logger LOG = LoggerFactory.getLogger(ControllerPrimaryLeadership.class);

    private final ControllerNode node;
    /** Runs the blocking proposals; shut down by {@link #close}. */
    private final ExecutorService proposer = Executors.newSingleThreadExecutor(NamedThreadFactory.single(THREAD_NAME,
            true));

    ControllerPrimaryLeadership(ControllerNode node) {
        this.node = node;
    }

    @Override
    public long leaderTerm() {
        return node.leaderTerm();
    }

    @Override
    public StoredChain storedChain() {
        NamesrvChain c = node.localState().namesrvChain();
        return new StoredChain(c.epoch(), c.chain());
    }

    @Override
    public CompletableFuture<Boolean> proposeChain(long expectedEpoch, long newEpoch, List<String> chain) {
        try {
            return CompletableFuture.supplyAsync(() -> {
                try {
                    Reply r = node.submit(new Command.SetNamesrvChain(expectedEpoch, newEpoch, chain));
                    if (!r.accepted()) {
                        LOG.warn("the controller refused the NameServer chain {} at epoch {}: {} {}", chain, newEpoch,
                                r.outcome(), r.detail());
                    }
                    return r.accepted();
                } catch (ControllerUnavailableException e) {
                    LOG.warn("the NameServer chain {} at epoch {} was not committed: {}", chain, newEpoch,
                            e.getMessage());
                    return false;
                }
            }, proposer);
        } catch (RejectedExecutionException e) {
            return CompletableFuture.completedFuture(false); // shutting down
        }
    }

    @Override
    public void close() throws InterruptedException {
        proposer.shutdownNow();
        proposer.awaitTermination(5, TimeUnit.SECONDS);
    }
}
