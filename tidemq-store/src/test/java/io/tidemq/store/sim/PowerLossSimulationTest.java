package io.tidemq.store.sim;

import io.tidemq.store.file.Durability;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.fail;

/**
 * The power-loss simulator: seeded rounds of the real store crashing over a {@link SimulatedDisk} (see
 * {@link SimRound} for a round and docs/testing.md for how to run and replay it).
 *
 * <ul>
 *   <li>{@code -Dtidemq.sim.rounds=N}: rounds to run (default {@value #DEFAULT_ROUNDS});</li>
 *   <li>{@code -Dtidemq.sim.seed=S}: run only the round with seed S (hex, as printed by a failure);</li>
 *   <li>{@code -Dtidemq.sim.baseSeed=B}: derive the rounds' seeds from B instead of the fixed default;</li>
 *   <li>{@code -Dtidemq.sim.keepGoing=true}: run every round and list all failing seeds, instead of stopping at
 *       the first.</li>
 * </ul>
 */
class PowerLossSimulationTest {

    static final int DEFAULT_ROUNDS = 300;
    private static final long DEFAULT_BASE_SEED = 0x7D3A_2026_1203L;
    private static final Logger log = LoggerFactory.getLogger("tidemq.sim");

    @TempDir
    Path tempDir;

    @Test
    void theStoreKeepsEveryAcknowledgedRecordAndServesNothingCorruptAcrossPowerLosses() throws Exception {
        String only = System.getProperty("tidemq.sim.seed");
        int rounds = Integer.getInteger("tidemq.sim.rounds", DEFAULT_ROUNDS);
        long base = Long.getLong("tidemq.sim.baseSeed", DEFAULT_BASE_SEED);
        List<Long> seeds = new ArrayList<>();
        if (only != null) {
            seeds.add(Long.parseUnsignedLong(only.replaceFirst("^0x", ""), 16));
        } else {
            for (int i = 0; i < rounds; i++) {
                seeds.add(mix(base + i));
            }
        }
        Path parent = simulationDirectory();
        // the rounds' traces say what matters; the store's own logs (thousands of expected corruption reports)
        // only with -Dtidemq.sim.storeLogs=true
        ch.qos.logback.classic.Logger storeLog = (ch.qos.logback.classic.Logger) LoggerFactory.getLogger("io.tidemq.store");
        ch.qos.logback.classic.Level storeLevel = storeLog.getLevel();
        if (!Boolean.getBoolean("tidemq.sim.storeLogs")) {
            storeLog.setLevel(ch.qos.logback.classic.Level.OFF);
        }
        SimulatedDisk disk = new SimulatedDisk(parent);
        Durability.install(disk);
        boolean keepGoing = Boolean.getBoolean("tidemq.sim.keepGoing");
        List<String> failed = new ArrayList<>();
        long startNs = System.nanoTime();
        try {
            for (int i = 0; i < seeds.size(); i++) {
                long seed = seeds.get(i);
                SimRound round = new SimRound(seed, parent, disk);
                List<String> violations = round.run();
                if (violations.isEmpty()) {
                    continue;
                }
                String report = String.format("power-loss round %d with seed %s broke the store's promises"
                                + " (%d violation(s)):%n  %s%nreplay it with -Dtidemq.sim.seed=%s%nround trace:%n%s",
                        i, Long.toHexString(seed), violations.size(),
                        String.join("\n  ", violations.subList(0, Math.min(10, violations.size()))),
                        Long.toHexString(seed), round.trace());
                if (!keepGoing) {
                    fail(report);
                }
                log.error(report);
                failed.add(Long.toHexString(seed) + ": " + violations.get(0));
            }
            if (!failed.isEmpty()) {
                fail("%d of %d power-loss rounds failed:%n%s", failed.size(), seeds.size(), String.join("\n", failed));
            }
        } finally {
            storeLog.setLevel(storeLevel);
            Durability.install(null);
            SimRound.deleteRecursively(parent);
        }
        log.info("power-loss simulation: {} round(s) passed in {} ms", seeds.size(),
                (System.nanoTime() - startNs) / 1_000_000);
        System.out.printf("power-loss simulation: %d round(s) passed in %d ms%n", seeds.size(),
                (System.nanoTime() - startNs) / 1_000_000);
    }

    /** tmpfs when there is one: its fsync costs nothing, and the simulated disk decides what is durable. */
    private Path simulationDirectory() throws Exception {
        Path shm = Path.of("/dev/shm");
        if (Files.isDirectory(shm) && Files.isWritable(shm)) {
            return Files.createTempDirectory(shm, "tidemq-sim-");
        }
        return Files.createDirectories(tempDir.resolve("sim"));
    }

    /** SplitMix64: spreads consecutive round numbers over the whole seed space. */
    static long mix(long x) {
        long z = x + 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
