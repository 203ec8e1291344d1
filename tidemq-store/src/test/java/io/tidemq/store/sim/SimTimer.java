package io.tidemq.store.sim;

import io.tidemq.store.DefaultMessageStore;
import io.tidemq.store.api.GetResult;
import io.tidemq.store.api.StoredMessage;
import io.tidemq.store.api.timer.TimerLogRecord;
import io.tidemq.store.api.timer.TimerStore;
import io.tidemq.store.api.timer.TimerStoreConfig;
import io.tidemq.store.timer.DefaultTimerStore;

import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The simulation's stand-in for the broker's timer service: indexes {@value #TOPIC} records into a real
 * {@link TimerStore} under the store directory (one entry per record, due at a time derived from the record's id),
 * checkpoints it, crashes with the store and reopens it the way the service does. Nothing is delivered: every slot
 * stays pending, so every entry must stay reachable and must name the record it was made for.
 *
 * <p>Threads: the test thread only.
 */
final class SimTimer {

    static final String TOPIC = "TIDEMQ_SYS_TIMER";
    /** Far in the future, so nothing is ever due; the delivered cursor stays here. */
    private static final long T0 = 4_000_000_000_000L;
    private static final long PRECISION_MS = 1_000;
    private static final int SLOTS = 64;
    private static final int SPREAD_SLOTS = 50;

    private final SimLedger ledger;
    private TimerStore timerStore;
    /** Next queue offset of the timer topic to index. */
    private long indexedQueueOffset;

    SimTimer(SimLedger ledger) {
        this.ledger = ledger;
    }

    static long deliverAtOf(long id) {
        return T0 + (id * 7919) % (SPREAD_SLOTS * PRECISION_MS);
    }

    private static long slotOf(long deliverAtMs) {
        return Math.floorDiv(deliverAtMs, PRECISION_MS) * PRECISION_MS;
    }

    /** Opens the timer store after {@code store} started, as the broker's service does. */
    void open(DefaultMessageStore store) {
        Path dir = store.config().storePath().resolve("timer");
        timerStore = DefaultTimerStore.open(new TimerStoreConfig(dir, PRECISION_MS, SLOTS, 1024 * TimerLogRecord.BYTES),
                store.lastRecovery().endOffset());
        long queueEnd = store.maxQueueOffset(TOPIC, 0);
        indexedQueueOffset = Math.min(timerStore.recovery().checkpoint().indexedQueueOffset(), queueEnd);
    }

    /** Appends entries for the timer records dispatched since the last call. */
    void index(DefaultMessageStore store) {
        while (true) {
            GetResult get = store.getMessages(TOPIC, 0, indexedQueueOffset, 64, Long.MAX_VALUE, null);
            if (get.messages().isEmpty()) {
                indexedQueueOffset = Math.max(indexedQueueOffset, Math.min(get.nextBeginOffset(),
                        store.maxQueueOffset(TOPIC, 0)));
                return;
            }
            for (StoredMessage m : get.messages()) {
                SimLedger.Sent s = ledger.of(m);
                long deliverAt = deliverAtOf(s == null ? -1 : s.id);
                timerStore.append(deliverAt, slotOf(deliverAt), m.physicalOffset(), m.storeSizeBytes(), 0, T0);
                indexedQueueOffset = m.queueOffset() + 1;
            }
        }
    }

    void checkpoint() {
        timerStore.checkpoint(indexedQueueOffset, T0, System.currentTimeMillis());
    }

    void closeCleanly() {
        timerStore.close(indexedQueueOffset, T0, System.currentTimeMillis());
    }

    void crash() {
        timerStore.closeAbruptly();
    }

    /**
     * Checks every pending slot: its chain is whole, its count right, and no entry would deliver a record other
     * than the one it was made for (same offset and size, other due time). Then that every live timer record
     * below the indexed offset is reachable from its slot.
     */
    void verify(DefaultMessageStore store, String stage, List<String> violations, List<SimLedger.Sent> alive) {
        Set<Long> reachable = new HashSet<>();
        for (long slot = slotOf(T0); slot < T0 + SPREAD_SLOTS * PRECISION_MS; slot += PRECISION_MS) {
            int count = 0;
            for (long p = timerStore.headOf(slot); p >= 0; ) {
                TimerLogRecord r = timerStore.read(p);
                if (r == null) {
                    violations.add(stage + ": timer slot " + slot + " links to position " + p + ", which holds no"
                            + " valid entry");
                    break;
                }
                count++;
                reachable.add(r.commitLogOffset());
                checkTarget(store, stage, violations, r);
                p = r.prevPosition();
            }
            if (count != timerStore.countOf(slot)) {
                violations.add(stage + ": timer slot " + slot + " counts " + timerStore.countOf(slot)
                        + " entries but its chain has " + count);
            }
        }
        for (SimLedger.Sent s : alive) {
            if (s.topic.equals(TOPIC) && s.queueOffset < indexedQueueOffset && !reachable.contains(s.physicalOffset)) {
                violations.add(stage + ": timer record " + s + " is below the indexed queue offset "
                        + indexedQueueOffset + " but no timer entry reaches it");
            }
        }
    }

    private void checkTarget(DefaultMessageStore store, String stage, List<String> violations, TimerLogRecord r) {
        StoredMessage m;
        try {
            m = store.readByPhysicalOffset(r.commitLogOffset());
        } catch (RuntimeException e) {
            return; // the service drops an entry whose record is gone
        }
        if (!TOPIC.equals(m.topic()) || m.storeSizeBytes() != r.sizeBytes()) {
            return; // the service drops an entry whose record does not match
        }
        SimLedger.Sent s = ledger.of(m);
        if (s == null || deliverAtOf(s.id) != r.deliverAtMs()) {
            violations.add(stage + ": a timer entry due at " + r.deliverAtMs() + " would deliver " + s
                    + " (due at " + (s == null ? "?" : deliverAtOf(s.id)) + ") in place of the record it was made"
                    + " for, lost with the CommitLog tail");
        }
    }
}
