package io.tidemq.store.sim;

import io.tidemq.store.DefaultMessageStore;
import io.tidemq.store.api.FlushMode;
import io.tidemq.store.api.GetResult;
import io.tidemq.store.api.MessageRecord;
import io.tidemq.store.api.PutResult;
import io.tidemq.store.api.StoreConfig;
import io.tidemq.store.api.StoredMessage;
import io.tidemq.store.queue.ConsumeQueue;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;

/**
 * One seeded round of the power-loss simulation: runs the real store over a {@link SimulatedDisk}, crashes it
 * (process kills that keep the page cache, then a power loss that keeps only what was fsynced plus random dirty
 * pages), restarts it on the on-disk image and checks the invariants, then restarts it once more cleanly.
 *
 * <p>Everything random comes from the seed: the store's settings, the workload, the crash points, which dirty
 * pages survive. The store's own threads (flushers, dispatcher) still run on their own clocks, so a replay
 * repeats the same scenario with the same choices; where a crash lands relative to a background flush can
 * differ.
 *
 * <p>Threads: the test thread drives the round; put completions run on the store's flush thread.
 */
final class SimRound {

    private static final String[][] QUEUES = {{"simA", "0"}, {"simA", "1"}, {"simB", "0"}, {"TIDEMQ_SYS_TIMER", "0"}};
    private static final double[] PAGE_SURVIVAL = {0.0, 0.25, 0.5, 0.75, 1.0};
    private static final Duration WAIT = Duration.ofSeconds(10);

    private final long seed;
    private final Random random;
    private final Path parent;
    private final SimulatedDisk disk;
    private final SimLedger ledger = new SimLedger();
    private final SimTimer timer = new SimTimer(ledger);
    private final List<String> violations = new ArrayList<>();
    private final StringBuilder trace = new StringBuilder();
    private final FlushMode mode;
    private final int consumeQueueEntries;
    private final int indexEntries;
    private final long flushIntervalMs;
    private final int flushLeastPages;
    private final long flushThoroughMs;
    private final long flushConsumeQueueMs;
    private final int flushConsumeQueueLeastPages;
    private final long flushConsumeQueueThoroughMs;
    private final boolean preallocate;
    private final boolean warm;
    /** Test thread only: puts not joined yet. */
    private final List<CompletableFuture<?>> inFlight = new ArrayList<>();

    SimRound(long seed, Path parent, SimulatedDisk disk) {
        this.seed = seed;
        this.random = new Random(seed);
        this.parent = parent;
        this.disk = disk;
        this.mode = random.nextBoolean() ? FlushMode.SYNC : FlushMode.ASYNC;
        this.consumeQueueEntries = 16 + random.nextInt(4) * 16;
        this.indexEntries = 32 + random.nextInt(200);
        this.flushIntervalMs = 1 + random.nextInt(40);
        this.flushLeastPages = random.nextInt(5);
        this.flushThoroughMs = 10 + random.nextInt(50);
        this.flushConsumeQueueMs = 5 + random.nextInt(60);
        this.flushConsumeQueueLeastPages = random.nextInt(3);
        this.flushConsumeQueueThoroughMs = random.nextBoolean() ? flushConsumeQueueMs : 20 + random.nextInt(400);
        this.preallocate = random.nextBoolean();
        this.warm = random.nextInt(4) == 0;
        note("%s, CQ %d entries/file, index %d entries/file, flush %d ms/%d pages/thorough %d ms, CQ flush %d ms/%d"
                        + " pages/thorough %d ms, preallocate %s, warm %s", mode, consumeQueueEntries, indexEntries,
                flushIntervalMs, flushLeastPages, flushThoroughMs, flushConsumeQueueMs, flushConsumeQueueLeastPages,
                flushConsumeQueueThoroughMs, preallocate, warm);
    }

    private StoreConfig config(Path dir) {
        return StoreConfig.builder(dir)
                .commitLogFileBytes(64 * 1024)
                .maxMessageBytes(8 * 1024)
                .consumeQueueEntriesPerFile(consumeQueueEntries)
                .flushMode(mode)
                .flushIntervalMs(flushIntervalMs)
                .flushLeastPages(flushLeastPages)
                .flushThoroughIntervalMs(flushThoroughMs)
                .flushConsumeQueueIntervalMs(flushConsumeQueueMs)
                .flushConsumeQueueLeastPages(flushConsumeQueueLeastPages)
                .flushConsumeQueueThoroughIntervalMs(flushConsumeQueueThoroughMs)
                .syncFlushTimeoutMs(30_000)
                .retentionHours(1)
                .diskMaxUsedRatio(0.99)
                .deleteCheckIntervalMs(86_400_000)
                .indexHashSlots(16)
                .indexMaxEntriesPerFile(indexEntries)
                .preallocateNextFile(preallocate)
                .warmMappedFiles(warm)
                .build();
    }

    /** Runs the round; returns the violations found (empty when the store kept every promise). */
    List<String> run() {
        Path first = parent.resolve("r" + Long.toHexString(seed) + "-a");
        Path second = parent.resolve("r" + Long.toHexString(seed) + "-b");
        try {
            runIn(first, second);
        } catch (RuntimeException | Error e) {
            violations.add("the round failed with " + e);
            java.io.StringWriter stack = new java.io.StringWriter();
            e.printStackTrace(new java.io.PrintWriter(stack));
            note("exception: %s", stack);
        } finally {
            deleteRecursively(first);
            deleteRecursively(second);
        }
        return violations;
    }

    String trace() {
        return trace.toString();
    }

    private void runIn(Path first, Path second) {
        createDirectories(first);
        disk.adopt(first);
        DefaultMessageStore store = start(first, "first start");
        int kills = random.nextInt(3);
        for (int k = 0; k < kills && store != null; k++) {
            workload(store, false);
            crash(store);
            note("kill -9 #%d: page cache kept", k + 1);
            disk.unfreeze();
            store = start(first, "restart after kill -9 #" + (k + 1));
            if (store != null) {
                verify(store, "after kill -9 #" + (k + 1));
            }
        }
        if (store == null) {
            return;
        }
        workload(store, true);
        crash(store);
        double survival = PAGE_SURVIVAL[random.nextInt(PAGE_SURVIVAL.length)];
        note("%s", disk.powerLoss(random, second, survival));
        deleteRecursively(first);
        disk.adopt(second);
        store = start(second, "restart after power loss");
        if (store == null) {
            return;
        }
        verify(store, "after power loss");
        for (int i = 0, n = 3 + random.nextInt(10); i < n; i++) {
            put(store, true);
        }
        joinInFlight();
        timer.index(store);
        timer.closeCleanly();
        store.close();
        for (SimLedger.Sent s : ledger.all()) {
            if (s.placed() && !s.lost) {
                s.mustSurvive = true; // a clean close flushed everything that was alive
            }
        }
        note("clean close at %d", store.commitLogMaxOffset());
        store = start(second, "clean restart");
        if (store != null) {
            verify(store, "after clean restart");
            store.close();
        }
    }

    private DefaultMessageStore start(Path dir, String what) {
        DefaultMessageStore store = new DefaultMessageStore(config(dir));
        try {
            store.start();
        } catch (RuntimeException e) {
            violations.add(what + ": the store did not start: " + e);
            return null;
        }
        try {
            timer.open(store);
        } catch (RuntimeException e) {
            violations.add(what + ": the timer store did not open: " + e);
            store.closeAbruptly();
            return null;
        }
        note("%s: recovery %s", what, store.lastRecovery());
        return store;
    }

    /** A crash at this instant: nothing forced from now on is durable. */
    private void crash(DefaultMessageStore store) {
        long flushed = store.flushedOffset();
        long lastId = ledger.lastId();
        Path checkpointFile = store.config().storePath().resolve(io.tidemq.store.recovery.StoreCheckpoint.FILE_NAME);
        byte[] checkpointAtCrash = disk.freezeReading(checkpointFile);
        timer.crash();
        store.closeAbruptly();
        // A checkpoint the store's thread finished after the crash instant was never written: a killed process
        // stops at once, while closeAbruptly lets that thread finish its pass.
        if (!java.util.Arrays.equals(checkpointAtCrash, readIfExists(checkpointFile))) {
            restore(checkpointFile, checkpointAtCrash);
            note("crash: a checkpoint written after the crash instant was undone");
        }
        inFlight.clear();
        for (SimLedger.Sent s : ledger.all()) {
            if (s.id <= lastId && s.placed() && !s.lost && s.endOffset() <= flushed) {
                s.mustSurvive = true; // the store reported it flushed before the crash
            }
        }
        io.tidemq.store.recovery.StoreCheckpoint checkpoint =
                io.tidemq.store.recovery.StoreCheckpoint.load(store.config().storePath());
        note("crash: max %d, flushed %d, last id %d, checkpoint: CommitLog %d, queues %d, index %d",
                store.commitLogMaxOffset(), flushed, lastId, checkpoint.commitLogFlushedOffset(),
                checkpoint.consumeQueueFlushedOffset(), checkpoint.indexFlushedOffset());
    }

    // ---------------------------------------------------------------- workload

    private void workload(DefaultMessageStore store, boolean endsInPowerLoss) {
        int ops = 5 + random.nextInt(25);
        for (int i = 0; i < ops; i++) {
            int r = random.nextInt(100);
            if (r < 40) {
                put(store, random.nextBoolean());
            } else if (r < 55) {
                batch(store);
            } else if (r < 80) {
                int n = 3 + random.nextInt(12);
                for (int j = 0; j < n; j++) {
                    put(store, false);
                }
                if (random.nextBoolean()) {
                    joinInFlight();
                }
            } else if (r < 84) {
                retention(store);
            } else if (r < 88) {
                timer.index(store);
                if (random.nextBoolean()) {
                    timer.checkpoint();
                }
            } else if (r < 93) {
                long target = store.commitLogMaxOffset();
                awaitQuietly(() -> store.flushedOffset() >= target);
            } else {
                long target = store.commitLogMaxOffset();
                awaitQuietly(() -> store.dispatchedOffset() >= Math.min(target, store.flushedOffset()));
            }
        }
        if (!endsInPowerLoss || random.nextBoolean()) {
            joinInFlight();
        }
    }

    private String[] queue() {
        return QUEUES[random.nextInt(QUEUES.length)];
    }

    private int bodyBytes(String topic) {
        if (topic.equals(SimTimer.TOPIC)) {
            return 150; // uniform scheduled payloads: a lost record's offset is re-used by one of the same size
        }
        return random.nextInt(4) == 0 ? 1000 + random.nextInt(3000) : 40 + random.nextInt(400);
    }

    private void put(DefaultMessageStore store, boolean join) {
        String[] q = queue();
        MessageRecord record = ledger.next(q[0], Integer.parseInt(q[1]), bodyBytes(q[0]), random);
        track(ledger.lastId(), store.putMessage(record), join);
    }

    private void batch(DefaultMessageStore store) {
        String[] q = queue();
        int n = 2 + random.nextInt(4);
        List<MessageRecord> records = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            records.add(ledger.next(q[0], Integer.parseInt(q[1]), bodyBytes(q[0]), random));
        }
        track(ledger.lastId() - n + 1, store.putMessages(records), random.nextBoolean());
    }

    private void track(long firstId, CompletableFuture<PutResult> put, boolean join) {
        boolean sync = mode == FlushMode.SYNC;
        long epoch = disk.epoch();
        CompletableFuture<?> done = put.handle((result, failure) -> {
            if (result != null) {
                ledger.placed(firstId, result);
                // an ack is a promise only from the store the put was made to, before its crash: one that arrives
                // later (its fsync came after the crash instant, not recorded) promises nothing
                if (sync && disk.isLive(epoch)) {
                    for (int i = 0; i < result.storedCount(); i++) {
                        ledger.get(firstId + i).mustSurvive = true; // SYNC ack: durable
                    }
                }
            }
            return null;
        });
        if (join) {
            done.join();
        } else {
            inFlight.add(done);
        }
    }

    private void joinInFlight() {
        for (CompletableFuture<?> f : inFlight) {
            f.join();
        }
        inFlight.clear();
    }

    /** Ages every CommitLog file but the last past retention, then runs a retention pass. */
    private void retention(DefaultMessageStore store) {
        joinInFlight();
        long target = store.commitLogMaxOffset();
        awaitQuietly(() -> store.flushedOffset() >= target && store.dispatchedOffset() >= target);
        List<Path> files = list(store.config().commitLogDir());
        FileTime old = FileTime.fromMillis(System.currentTimeMillis() - TimeUnit.HOURS.toMillis(2));
        for (int i = 0; i + 1 < files.size(); i++) {
            try {
                Files.setLastModifiedTime(files.get(i), old);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        int deleted = store.runRetentionNow();
        note("retention deleted %d file(s); CommitLog starts at %d", deleted, store.commitLogMinOffset());
    }

    /** Waits for a background thread to catch up; the caller checks the outcome where it matters. */
    private static void awaitQuietly(BooleanSupplier condition) {
        try {
            Awaitility.await().pollInSameThread().pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(1))
                    .atMost(WAIT).until(condition::getAsBoolean);
        } catch (ConditionTimeoutException e) {
            // reported by the caller's own check
        }
    }

    // ---------------------------------------------------------------- invariants

    private void verify(DefaultMessageStore store, String stage) {
        long max = store.commitLogMaxOffset();
        awaitQuietly(() -> store.dispatchedOffset() >= max);
        long dispatched = store.dispatchedOffset();
        if (dispatched < max) {
            violations.add(stage + ": dispatch stopped at " + dispatched + " below the CommitLog end " + max);
        }
        long min = store.commitLogMinOffset();
        List<SimLedger.Sent> alive = new ArrayList<>();
        for (SimLedger.Sent s : ledger.all()) {
            if (s.lost || !s.placed() || s.physicalOffset < min) {
                continue;
            }
            String problem;
            try {
                StoredMessage m = store.readByPhysicalOffset(s.physicalOffset);
                problem = s.mismatch(m);
                if (problem == null) {
                    alive.add(s);
                    continue;
                }
            } catch (RuntimeException e) {
                problem = "is unreadable (" + e.getMessage() + ")";
            }
            if (s.mustSurvive) {
                violations.add(stage + ": durable record " + s + " " + problem);
            }
            s.lost = true;
        }
        for (String topic : store.topics()) {
            for (int queueId : store.queueIds(topic)) {
                checkQueue(store, stage, topic, queueId, min, dispatched);
            }
        }
        for (SimLedger.Sent s : alive) {
            if (s.endOffset() > dispatched) {
                continue;
            }
            boolean found = store.queryByKey(s.topic, s.key(), 16, 0, Long.MAX_VALUE).stream()
                    .anyMatch(m -> m.physicalOffset() == s.physicalOffset);
            if (!found) {
                violations.add(stage + ": record " + s + " is not found by its key " + s.key());
            }
        }
        timer.index(store);
        timer.verify(store, stage, violations, alive);
        note("%s: verified %d live records, CommitLog [%d, %d), %d violation(s) so far", stage, alive.size(), min,
                max, violations.size());
    }

    private void checkQueue(DefaultMessageStore store, String stage, String topic, int queueId, long commitLogMin,
                            long dispatched) {
        String queue = topic + "-" + queueId;
        long min = store.minQueueOffset(topic, queueId);
        long max = store.maxQueueOffset(topic, queueId);
        // what is served
        long next = min;
        while (next < max) {
            GetResult get = store.getMessages(topic, queueId, next, 64, Long.MAX_VALUE, null);
            for (StoredMessage m : get.messages()) {
                SimLedger.Sent s = ledger.of(m);
                if (s == null) {
                    violations.add(stage + ": " + queue + " served a message nobody sent at queue offset "
                            + m.queueOffset() + ", physical " + m.physicalOffset());
                } else if (s.mismatch(m) != null) {
                    violations.add(stage + ": " + queue + " served " + s + " which " + s.mismatch(m));
                } else if (!s.placed()) {
                    s.queueOffset = m.queueOffset();
                    s.sizeBytes = m.storeSizeBytes();
                    s.physicalOffset = m.physicalOffset();
                }
            }
            next = Math.max(next + 1, get.nextBeginOffset());
        }
        // what the queue's files say, entry by entry
        QueueFiles files = new QueueFiles(store.config().consumeQueueDir().resolve(topic).resolve(
                Integer.toString(queueId)), consumeQueueEntries);
        for (long q = min; q < max; q++) {
            ByteBuffer e = files.entry(q);
            if (e == null) {
                violations.add(stage + ": " + queue + " has no file holding entry " + q + " (min " + min + ", max "
                        + max + ")");
                break;
            }
            long commitLogOffset = e.getLong(ConsumeQueue.COMMIT_LOG_OFFSET_OFFSET);
            int size = e.getInt(ConsumeQueue.SIZE_OFFSET);
            if (commitLogOffset == ConsumeQueue.FILLER_COMMIT_LOG_OFFSET || commitLogOffset < commitLogMin
                    && commitLogOffset > 0) {
                continue;
            }
            if (size == 0) {
                violations.add(stage + ": " + queue + " entry " + q + " was never written (zeros) though the queue"
                        + " ends at " + max);
                continue;
            }
            try {
                StoredMessage m = store.readByPhysicalOffset(commitLogOffset);
                if (!m.topic().equals(topic) || m.queueId() != queueId || m.queueOffset() != q
                        || m.storeSizeBytes() != size) {
                    violations.add(stage + ": " + queue + " entry " + q + " points at " + commitLogOffset
                            + ", which holds " + m.topic() + "-" + m.queueId() + " q" + m.queueOffset());
                }
            } catch (RuntimeException ex) {
                // a record lost in a hole the store reported: allowed unless it was acknowledged (checked below)
            }
        }
        for (SimLedger.Sent s : ledger.all()) {
            if (s.lost || !s.placed() || !s.topic.equals(topic) || s.queueId != queueId || s.endOffset() > dispatched
                    || s.physicalOffset < commitLogMin || s.queueOffset < min) {
                continue;
            }
            ByteBuffer e = s.queueOffset < max ? files.entry(s.queueOffset) : null;
            if (e == null || e.getLong(ConsumeQueue.COMMIT_LOG_OFFSET_OFFSET) != s.physicalOffset) {
                violations.add(stage + ": record " + s + " is not reachable through " + queue + " (max " + max
                        + (e == null ? "" : ", entry points at " + e.getLong(ConsumeQueue.COMMIT_LOG_OFFSET_OFFSET))
                        + ")");
            }
        }
    }

    /** Reads ConsumeQueue entries straight from the files (what a restart would see), each file once. */
    private static final class QueueFiles {
        private final Path dir;
        private final int fileBytes;
        private final java.util.Map<Long, byte[]> contents = new java.util.HashMap<>();

        QueueFiles(Path dir, int entriesPerFile) {
            this.dir = dir;
            this.fileBytes = entriesPerFile * ConsumeQueue.ENTRY_BYTES;
        }

        ByteBuffer entry(long queueOffset) {
            long at = queueOffset * ConsumeQueue.ENTRY_BYTES;
            long fileFrom = at - at % fileBytes;
            byte[] file = contents.computeIfAbsent(fileFrom, from -> {
                try {
                    return Files.readAllBytes(dir.resolve(String.format("%020d", from)));
                } catch (IOException e) {
                    return new byte[0];
                }
            });
            int position = (int) (at - fileFrom);
            return position + ConsumeQueue.ENTRY_BYTES <= file.length
                    ? ByteBuffer.wrap(file, position, ConsumeQueue.ENTRY_BYTES).slice() : null;
        }
    }

    // ---------------------------------------------------------------- helpers

    private void note(String format, Object... args) {
        if (trace.length() < 20_000) {
            trace.append("  ").append(String.format(format, args)).append('\n');
        }
    }

    private static byte[] readIfExists(Path file) {
        try {
            return Files.exists(file) ? Files.readAllBytes(file) : null;
        } catch (IOException e) {
            return null;
        }
    }

    private static void restore(Path file, byte[] bytes) {
        try {
            if (bytes == null) {
                Files.deleteIfExists(file);
            } else {
                Files.write(file, bytes);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<Path> list(Path dir) {
        try (Stream<Path> files = Files.list(dir)) {
            return files.sorted().toList();
        } catch (IOException e) {
            return List.of();
        }
    }

    private static void createDirectories(Path dir) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void deleteRecursively(Path path) {
        if (!Files.exists(path)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(path)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + path, e);
        }
    }
}
