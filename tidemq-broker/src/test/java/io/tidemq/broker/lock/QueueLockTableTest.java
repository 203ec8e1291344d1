package io.tidemq.broker.lock;

import io.tidemq.common.message.MessageQueue;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class QueueLockTableTest {

    private static final long LEASE_MS = 60_000;
    private static final MessageQueue Q0 = new MessageQueue("orders", "broker-a", 0);
    private static final MessageQueue Q1 = new MessageQueue("orders", "broker-a", 1);
    private static final MessageQueue Q2 = new MessageQueue("orders", "broker-a", 2);

    private final AtomicLong now = new AtomicLong(1_000_000);
    private final QueueLockTable table = new QueueLockTable(LEASE_MS, now::get);

    @Test
    void freeQueuesAreGrantedToTheFirstClientThatAsks() {
        assertThat(table.tryLock("g", "c1", List.of(Q0, Q1))).containsExactly(Q0, Q1);
        assertThat(table.holder("g", Q0)).isEqualTo("c1");
        assertThat(table.holder("g", Q2)).isNull();
    }

    @Test
    void aQueueHeldByAnotherLiveClientIsNotGrantedButTheFreeOnesOfTheBatchAre() {
        table.tryLock("g", "c1", List.of(Q0));

        assertThat(table.tryLock("g", "c2", List.of(Q0, Q1))).containsExactly(Q1);
        assertThat(table.holder("g", Q0)).isEqualTo("c1");
        assertThat(table.holder("g", Q1)).isEqualTo("c2");
    }

    @Test
    void locksOfDifferentGroupsAreIndependent() {
        table.tryLock("g1", "c1", List.of(Q0));

        assertThat(table.tryLock("g2", "c2", List.of(Q0))).containsExactly(Q0);
    }

    @Test
    void anExpiredLockGoesToTheNextClientThatAsks() {
        table.tryLock("g", "c1", List.of(Q0));
        now.addAndGet(LEASE_MS - 1);
        assertThat(table.tryLock("g", "c2", List.of(Q0))).isEmpty();

        now.addAndGet(1);
        assertThat(table.holder("g", Q0)).isNull();
        assertThat(table.tryLock("g", "c2", List.of(Q0))).containsExactly(Q0);
        assertThat(table.holder("g", Q0)).isEqualTo("c2");
    }

    @Test
    void renewingRestartsTheLeaseSoARenewingHolderKeepsItsQueue() {
        table.tryLock("g", "c1", List.of(Q0));
        for (int i = 0; i < 5; i++) {
            now.addAndGet(LEASE_MS / 2);
            assertThat(table.tryLock("g", "c1", List.of(Q0))).as("renewal %d", i).containsExactly(Q0);
            assertThat(table.tryLock("g", "c2", List.of(Q0))).isEmpty();
        }
        assertThat(table.locks("g").get(Q0)).isEqualTo(new QueueLockTable.LockView("c1", LEASE_MS));
    }

    @Test
    void unlockReleasesOnlyTheCallersOwnLocks() {
        table.tryLock("g", "c1", List.of(Q0));
        table.tryLock("g", "c2", List.of(Q1));

        assertThat(table.unlock("g", "c1", List.of(Q0, Q1))).isEqualTo(1);
        assertThat(table.holder("g", Q0)).isNull();
        assertThat(table.holder("g", Q1)).isEqualTo("c2");
        assertThat(table.tryLock("g", "c3", List.of(Q0))).containsExactly(Q0);
    }

    @Test
    void unlockingAnUnknownGroupOrQueueIsHarmless() {
        assertThat(table.unlock("nobody", "c1", List.of(Q0))).isZero();
        table.tryLock("g", "c1", List.of(Q0));
        assertThat(table.unlock("g", "c1", List.of(Q2))).isZero();
    }

    @Test
    void theAdminViewListsLiveLocksWithTheirRemainingLease() {
        table.tryLock("g", "c1", List.of(Q0));
        now.addAndGet(10_000);
        table.tryLock("g", "c2", List.of(Q1));
        now.addAndGet(LEASE_MS - 10_000);

        assertThat(table.locks("g")).containsOnlyKeys(Q1);
        assertThat(table.locks("g").get(Q1)).isEqualTo(new QueueLockTable.LockView("c2", 10_000));
        assertThat(table.locks("other")).isEmpty();
    }

    @Test
    void expiredLeasesAreSweptSoTheTableKeepsOnlyLiveLocks() {
        List<MessageQueue> many = new ArrayList<>();
        for (int q = 0; q < 100; q++) {
            many.add(new MessageQueue("t" + q, "broker-a", 0));
        }
        table.tryLock("g", "c1", many);
        now.addAndGet(LEASE_MS);

        table.tryLock("g", "c2", List.of(Q0));

        assertThat(table.storedLeases("g")).isEqualTo(1);
    }

    @Test
    void theSweepForgetsExpiredLocksAndTheGroupsLeftWithoutAny() {
        for (int g = 0; g < 1_000; g++) {
            table.tryLock("group-" + g, "c" + g, List.of(Q0, Q1));
        }
        table.tryLock("live", "c1", List.of(Q0));
        now.addAndGet(LEASE_MS - 1);
        table.tryLock("live", "c1", List.of(Q0)); // renewed: stays

        now.addAndGet(1);
        table.sweep();

        assertThat(table.groupCount()).isEqualTo(1);
        assertThat(table.storedLeases("group-7")).isZero();
        assertThat(table.holder("live", Q0)).isEqualTo("c1");
        assertThat(table.tryLock("group-7", "c2", List.of(Q0))).as("a swept group locks again").containsExactly(Q0);
    }

    @Test
    void aRenewalServedAfterTheSameClientsUnlockDoesNotTakeTheQueueBack() {
        table.tryLock("g", "old-owner", List.of(Q0), 1);
        // the renewal (seq 2) was sent before the release (seq 3), but the broker serves the release first
        table.unlock("g", "old-owner", List.of(Q0), 3);
        assertThat(table.tryLock("g", "old-owner", List.of(Q0), 2)).isEmpty();

        assertThat(table.holder("g", Q0)).isNull();
        assertThat(table.tryLock("g", "new-owner", List.of(Q0), 1)).containsExactly(Q0);
    }

    @Test
    void aClientMayLockAQueueAgainWithARequestSentAfterItsUnlock() {
        table.tryLock("g", "c1", List.of(Q0), 1);
        table.unlock("g", "c1", List.of(Q0), 2);

        assertThat(table.tryLock("g", "c1", List.of(Q0), 3)).containsExactly(Q0);
    }

    @Test
    void theUnlockMarkerLastsOneLease() {
        table.tryLock("g", "c1", List.of(Q0), 5);
        table.unlock("g", "c1", List.of(Q0), 9);
        now.addAndGet(LEASE_MS);
        table.sweep();

        assertThat(table.storedLeases("g")).isZero();
        assertThat(table.groupCount()).isZero();
    }

    @Test
    void aRestoredLockIsHeldForAFullLeaseAndOnlyItsHolderRenewsIt() {
        table.restore("g", Q0, "c1");

        now.addAndGet(LEASE_MS - 1);
        assertThat(table.tryLock("g", "c2", List.of(Q0))).isEmpty();
        assertThat(table.tryLock("g", "c1", List.of(Q0))).containsExactly(Q0);
    }

    @Test
    void theVersionCountsChangesOfHolderButNotRenewals() {
        long v0 = table.version();
        table.tryLock("g", "c1", List.of(Q0));
        long v1 = table.version();
        table.tryLock("g", "c1", List.of(Q0));
        table.tryLock("g", "c2", List.of(Q0));
        assertThat(table.version()).isEqualTo(v1).isGreaterThan(v0);

        table.unlock("g", "c1", List.of(Q0));
        assertThat(table.version()).isGreaterThan(v1);
        assertThat(table.holders()).isEmpty();
    }

    @Test
    void aLeaseMustBePositive() {
        assertThatThrownBy(() -> new QueueLockTable(0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("leaseMs");
    }

    @Test
    void concurrentClientsNeverBothGetTheSameQueue() throws Exception {
        QueueLockTable real = new QueueLockTable(LEASE_MS);
        List<MessageQueue> queues = new ArrayList<>();
        for (int q = 0; q < 64; q++) {
            queues.add(new MessageQueue("orders", "broker-a", q));
        }
        int clients = 4;
        CountDownLatch start = new CountDownLatch(1);
        ConcurrentHashMap<MessageQueue, String> owners = new ConcurrentHashMap<>();
        List<String> doubleGrants = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            String clientId = "c" + c;
            Thread t = new Thread(() -> {
                try {
                    start.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
                for (MessageQueue mq : queues) {
                    Set<MessageQueue> got = real.tryLock("g", clientId, List.of(mq));
                    if (!got.isEmpty() && owners.putIfAbsent(mq, clientId) != null) {
                        synchronized (doubleGrants) {
                            doubleGrants.add(mq + " to " + clientId + " and " + owners.get(mq));
                        }
                    }
                }
            }, "lock-test-" + c);
            threads.add(t);
            t.start();
        }
        start.countDown();
        for (Thread t : threads) {
            t.join(10_000);
        }

        assertThat(doubleGrants).isEmpty();
        assertThat(owners).hasSize(queues.size());
        owners.forEach((mq, owner) -> assertThat(real.holder("g", mq)).isEqualTo(owner));
    }
}
