package io.tidemq.broker.ha;

import io.tidemq.common.protocol.ResponseCode;
import org.junit.jupiter.api.Test;

import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The in-sync set and the commit point on a hand-driven clock and log end. */
class InSyncReplicasTest {

    private final AtomicLong clockMs = new AtomicLong(1_000);
    private final AtomicLong masterEnd = new AtomicLong(0);
    private final AtomicLong ceiling = new AtomicLong(-1);

    private InSyncReplicas replicas(int minInSync) {
        return new InSyncReplicas(minInSync, 500, 0, 0, masterEnd::get, clockMs::get, ceiling::set);
    }

    @Test
    void belowTheFloorPutsAreRefusedAndTheCommitPointStands() {
        InSyncReplicas isr = replicas(2);
        assertThatThrownBy(isr::checkEnoughInSync).isInstanceOf(ReplicationException.class)
                .satisfies(e -> assertThat(((ReplicationException) e).code())
                        .isEqualTo(ResponseCode.IN_SYNC_REPLICAS_NOT_ENOUGH));
        masterEnd.set(100);
        isr.recompute();
        assertThat(isr.commitPoint()).as("the master alone commits nothing under minInSyncReplicas=2").isZero();
    }

    @Test
    void aPutCompletesOnlyWhenEveryInSyncReplicaHoldsIt() {
        InSyncReplicas isr = replicas(2);
        UUID one = UUID.randomUUID();
        isr.onHello(1, one, 1, 0);
        isr.onHello(2, UUID.randomUUID(), 1, 0);
        isr.onFetch(1, 0);
        isr.onFetch(2, 0);
        assertThat(isr.inSyncCount()).isEqualTo(3);
        isr.checkEnoughInSync();

        masterEnd.set(100);
        CompletableFuture<Void> put = isr.awaitCommit(100, 60_000);
        isr.onFetch(1, 100);
        assertThat(put).as("replica 2 does not hold it yet").isNotDone();
        isr.onFetch(2, 100);
        assertThat(put).isCompleted();
        assertThat(isr.commitPoint()).isEqualTo(100);
        assertThat(ceiling.get()).isEqualTo(100);
    }

    @Test
    void aPutTheSlavesDoNotConfirmWithinItsTimeoutFailsWithFlushSlaveTimeoutAtTheNextSweepAndLaterOnesWait() {
        InSyncReplicas isr = replicas(2);
        isr.onHello(1, UUID.randomUUID(), 1, 0);
        isr.onFetch(1, 0);
        masterEnd.set(100);
        CompletableFuture<Void> first = isr.awaitCommit(100, 3_000);
        clockMs.addAndGet(1_000);
        masterEnd.set(200);
        CompletableFuture<Void> second = isr.awaitCommit(200, 3_000);
        assertThat(isr.expireWaiters()).as("the first waiting put's deadline").isEqualTo(4_000);

        clockMs.set(3_999);
        assertThat(isr.expireWaiters()).isEqualTo(4_000);
        assertThat(first).as("no timer of its own: only the sweep fails a put").isNotDone();
        clockMs.set(4_000);
        assertThat(isr.expireWaiters()).as("the next one's deadline").isEqualTo(5_000);
        assertThat(first).isCompletedExceptionally();
        assertThatThrownBy(first::join).cause().isInstanceOf(ReplicationException.class)
                .hasMessageContaining("replicaAckTimeoutMs")
                .satisfies(e -> assertThat(((ReplicationException) e).code()).isEqualTo(ResponseCode.FLUSH_SLAVE_TIMEOUT));
        assertThat(second).isNotDone();

        isr.onFetch(1, 200);
        assertThat(second).as("confirmed in time").isCompleted().isNotCompletedExceptionally();
        clockMs.set(10_000);
        assertThat(isr.expireWaiters()).as("nothing waits").isEqualTo(Long.MAX_VALUE);
    }

    @Test
    void aPutThatStartsWaitingAfterTheMasterSideClosedFailsAtOnce() {
        InSyncReplicas isr = replicas(2);
        isr.onHello(1, UUID.randomUUID(), 1, 0);
        isr.onFetch(1, 0);
        masterEnd.set(100);
        CompletableFuture<Void> waiting = isr.awaitCommit(100, 3_000);
        isr.failAll("no longer master");
        assertThat(waiting).isCompletedExceptionally();
        masterEnd.set(200);
        assertThatThrownBy(() -> isr.awaitCommit(200, 3_000).join()).cause().isInstanceOf(ReplicationException.class)
                .hasMessage("no longer master");
    }

    @Test
    void aReplicaTheControllerStillHoldsInSyncCountsForCommitsUntilTheControllerDropsIt() {
        InSyncReplicas isr = replicas(1);
        isr.useControllerInSync(0, java.util.Set.of(0, 1, 2));
        isr.onHello(1, UUID.randomUUID(), 1, 0);
        isr.onFetch(1, 0);
        masterEnd.set(100);
        CompletableFuture<Void> put = isr.awaitCommit(100, 60_000);
        isr.onFetch(1, 100);
        assertThat(put).as("replica 2 is in the controller's set and never fetched here").isNotDone();

        isr.useControllerInSync(0, java.util.Set.of(0, 1));
        assertThat(put).isCompleted();

        masterEnd.set(200);
        CompletableFuture<Void> next = isr.awaitCommit(200, 60_000);
        clockMs.addAndGet(600);
        isr.checkLag();
        assertThat(isr.inSyncCount()).as("replica 1 left the local set").isEqualTo(1);
        assertThat(next).as("but the controller may still elect it").isNotDone();
        isr.useControllerInSync(0, java.util.Set.of(0));
        assertThat(next).as("the controller took the smaller set").isCompleted();
    }

    @Test
    void aLaggingReplicaLeavesAndCommitsGoOnWithoutItThenItRejoinsOnCatchUp() {
        InSyncReplicas isr = replicas(2);
        isr.onHello(1, UUID.randomUUID(), 1, 0);
        isr.onHello(2, UUID.randomUUID(), 1, 0);
        isr.onFetch(1, 0);
        isr.onFetch(2, 0);
        masterEnd.set(100);
        CompletableFuture<Void> put = isr.awaitCommit(100, 60_000);
        isr.onFetch(1, 100);
        clockMs.addAndGet(400);
        isr.checkLag();
        assertThat(isr.inSyncCount()).as("within replicaLagMaxMs").isEqualTo(3);
        clockMs.addAndGet(200);
        isr.checkLag();
        assertThat(isr.inSyncCount()).isEqualTo(2);
        assertThat(put).as("committed by the remaining set").isCompleted();

        masterEnd.set(200);
        isr.onFetch(1, 200);
        isr.onFetch(2, 150);
        assertThat(isr.inSyncCount()).as("still behind and last caught up too long ago").isEqualTo(2);
        assertThat(isr.commitPoint()).isEqualTo(200);
        isr.onFetch(2, 200);
        assertThat(isr.inSyncCount()).as("caught up with the log end").isEqualTo(3);
        masterEnd.set(300);
        CompletableFuture<Void> next = isr.awaitCommit(300, 60_000);
        isr.onFetch(1, 300);
        assertThat(next).as("replica 2 counts again").isNotDone();
        isr.onFetch(2, 300);
        assertThat(next).isCompleted();
    }

    @Test
    void aReplicaWaitingAtTheLogEndIsCaughtUpHoweverLongItWaits() {
        InSyncReplicas isr = replicas(2);
        isr.onHello(1, UUID.randomUUID(), 1, 0);
        isr.onFetch(1, 0);
        clockMs.addAndGet(10_000);
        isr.checkLag();
        assertThat(isr.inSyncCount()).isEqualTo(2);
    }

    @Test
    void aReplicaWithANewStoreUuidLeavesTheSetAtOnce() {
        InSyncReplicas isr = replicas(2);
        isr.onHello(1, UUID.randomUUID(), 1, 0);
        masterEnd.set(100);
        isr.onFetch(1, 100);
        assertThat(isr.inSyncCount()).isEqualTo(2);
        isr.onHello(1, UUID.randomUUID(), 2, 0);
        assertThat(isr.inSyncCount()).isEqualTo(1);
        assertThat(isr.view().get(0).ackOffset()).isZero();
    }
}
