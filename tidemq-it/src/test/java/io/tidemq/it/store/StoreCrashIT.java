package io.tidemq.it.store;

import io.tidemq.it.support.JvmProcess;
import io.tidemq.store.DefaultMessageStore;
import io.tidemq.store.api.FlushMode;
import io.tidemq.store.recovery.CommitLogRecovery;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * kill -9 at random moments against the storage format's guarantee (docs/storage-format.md section 9): a
 * child JVM appends from several threads and reports each acknowledged append; the test SIGKILLs it at a
 * seeded random moment, reopens the store in this JVM and checks it, and the next round appends more to the
 * same directory. Reproduce a failure's kill schedule with {@code -Dtidemq.crash.seed=<seed it printed>}.
 */
class StoreCrashIT {

    private static final Logger log = LoggerFactory.getLogger(StoreCrashIT.class);
    /** Child JVMs start fast and small: their work is I/O, and a round is short. */
    private static final List<String> CHILD_JVM_ARGS = List.of("-Xmx128m", "-XX:TieredStopAtLevel=1",
            "-Xshare:auto", "-Dtidemq.it.log.level=WARN");
    private static final Duration FIRST_APPEND_TIMEOUT = Duration.ofSeconds(60);
    private static final int CHILD_MAX_RUN_SECONDS = 120;

    @TempDir
    Path tmp;

    @Test
    void syncStoreKeepsEveryAcknowledgedAppendAndServesNoCorruptRecordAcrossTwentyKills() throws Exception {
        runRounds(FlushMode.SYNC, 20, 8, 400);
    }

    @Test
    void asyncStoreServesNoCorruptRecordAndItsQueuesAgreeWithTheCommitLogAcrossKills() throws Exception {
        runRounds(FlushMode.ASYNC, 6, 4, 400);
    }

    private void runRounds(FlushMode mode, int rounds, int threads, int maxKillDelayMs) throws Exception {
        long seed = Long.getLong("tidemq.crash.seed", System.nanoTime());
        Random random = new Random(seed);
        Path storeDir = tmp.resolve("store");
        List<AckLine> acknowledged = new ArrayList<>();
        int round = 0;
        int cutRounds = 0;
        try {
            for (round = 1; round <= rounds; round++) {
                long killDelayMs = random.nextInt(maxKillDelayMs);
                List<AckLine> acks = appendUntilKilled(storeDir, mode, round, threads, random.nextLong(), killDelayMs);
                if (mode == FlushMode.SYNC) {
                    assertThat(acks).as("round %d acknowledged appends", round).isNotEmpty();
                    acknowledged.addAll(acks);
                }
                try (DefaultMessageStore store = new DefaultMessageStore(CrashStores.config(storeDir, mode))) {
                    store.start();
                    CommitLogRecovery.Result recovery = store.lastRecovery();
                    if (recovery.cutFromOffset() >= 0) {
                        cutRounds++;
                    }
                    StoreVerifier.Summary summary = new StoreVerifier(store).verify(acknowledged);
                    log.info("{} round {}: killed {} ms after the first ack; recovered end {}, cut {} byte(s) at {};"
                                    + " {} records verified, {} acknowledged checked", mode, round, killDelayMs,
                            summary.endOffset(), recovery.cutBytes(), recovery.cutFromOffset(), summary.records(),
                            summary.acknowledged());
                    assertThat(summary.records()).as("records after round %d", round).isGreaterThanOrEqualTo(round);
                    if (round % 2 == 0) {
                        store.closeAbruptly();
                    }
                }
            }
        } catch (AssertionError | RuntimeException e) {
            throw new AssertionError(mode + " crash test failed in round " + round + " of " + rounds
                    + "; reproduce the kill schedule with -Dtidemq.crash.seed=" + seed + " (child logs under "
                    + tmp.resolve("logs") + "): " + e.getMessage(), e);
        }
        log.info("{}: {} rounds, {} with a torn tail cut, {} acknowledged appends verified after every kill", mode,
                rounds, cutRounds, acknowledged.size());
    }

    /** Starts a child appending to the store, kills it {@code killDelayMs} after its first ack, returns its acks. */
    private List<AckLine> appendUntilKilled(Path storeDir, FlushMode mode, int round, int threads, long childSeed,
                                            long killDelayMs) throws Exception {
        try (JvmProcess child = JvmProcess.start(mode.name().toLowerCase() + "-round-" + round, tmp.resolve("logs"),
                CHILD_JVM_ARGS, StoreAppenderMain.class.getName(), storeDir.toString(), mode.name(),
                Integer.toString(round), Integer.toString(threads), Long.toString(childSeed),
                Integer.toString(CHILD_MAX_RUN_SECONDS))) {
            child.awaitLine(line -> line.startsWith(AckLine.PREFIX) || line.equals(StoreAppenderMain.APPENDING),
                    FIRST_APPEND_TIMEOUT);
            // the child must still be appending when the kill comes: exiting by itself is a failure
            assertThat(child.waitForExit(Duration.ofMillis(killDelayMs)))
                    .as("%s exited by itself; see %s", child, child.logFile()).isFalse();
            child.kill9();
            List<AckLine> acks = new ArrayList<>();
            for (String line : child.lines()) {
                AckLine ack = AckLine.parse(line);
                if (ack != null) {
                    acks.add(ack);
                } else if (line.startsWith("PUT FAILED")) {
                    log.warn("{}: {}", child, line);
                }
            }
            return acks;
        }
    }
}
