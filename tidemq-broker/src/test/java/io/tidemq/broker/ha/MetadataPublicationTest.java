package io.tidemq.broker.ha;

import org.junit.jupiter.api.Test;

import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/** The master's metadata versions per epoch, and the wait until the in-sync slaves applied one. */
class MetadataPublicationTest {

    private final AtomicLong changes = new AtomicLong(5);
    private final AtomicInteger wakeUps = new AtomicInteger();
    private final ReplicatedMetadata metadata = new ReplicatedMetadata() {
        @Override
        public long changeCount() {
            return changes.get();
        }

        @Override
        public byte[] snapshot() {
            return new byte[] {1};
        }

        @Override
        public void apply(byte[] snapshot) {
        }
    };

    @Test
    void versionsStartAtTheEpochAndMoveOnlyWhenTheMetadataChanged() {
        MetadataPublication p = new MetadataPublication(metadata, 3, false, wakeUps::incrementAndGet);
        assertThat(p.version()).as("above any version of epoch 2").isEqualTo(3L << 32);
        p.publishIfChanged();
        assertThat(p.version()).as("nothing changed since the master opened").isEqualTo(3L << 32);
        assertThat(wakeUps).hasValue(0);
        changes.incrementAndGet();
        p.publishIfChanged();
        assertThat(p.version()).isEqualTo((3L << 32) + 1);
        assertThat(wakeUps).as("the slaves' held fetches hear of it").hasValue(1);
        p.publishIfChanged();
        assertThat(p.version()).isEqualTo((3L << 32) + 1);
    }

    @Test
    void aMasterElectedAtRunTimePublishesAtItsFirstCheckEvenWithoutAChange() {
        MetadataPublication p = new MetadataPublication(metadata, 4, true, wakeUps::incrementAndGet);
        p.publishIfChanged();
        assertThat(p.version()).isEqualTo((4L << 32) + 1);
        p.publishIfChanged();
        assertThat(p.version()).isEqualTo((4L << 32) + 1);
    }

    @Test
    void aWaitEndsWhenEveryInSyncSlaveAppliedTheVersionAndTimesOutWhenOneDoesNot() throws Exception {
        InSyncReplicas isr = new InSyncReplicas(1, 60_000, 0, 0, () -> 0L, System::currentTimeMillis, point -> { });
        isr.onHello(1, UUID.randomUUID(), 1, 0);
        isr.onFetch(1, 0);
        isr.onHello(2, UUID.randomUUID(), 1, 0);
        isr.onFetch(2, 0);
        MetadataPublication p = new MetadataPublication(metadata, 1, false, wakeUps::incrementAndGet);

        CompletableFuture<Boolean> wait = CompletableFuture.supplyAsync(() -> p.publishAndAwait(isr, 60_000));
        long expected = (1L << 32) + 1;
        org.awaitility.Awaitility.await().until(() -> p.version() == expected);
        p.applied(1, expected);
        assertThat(wait).as("replica 2 has not applied it").isNotDone();
        p.applied(2, expected);
        assertThat(wait.get(10, TimeUnit.SECONDS)).isTrue();

        assertThat(p.publishAndAwait(isr, 50)).as("nobody applies the next version").isFalse();
    }
}
