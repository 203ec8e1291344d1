package io.tidemq.broker.schedule;

import io.tidemq.broker.config.TimerSettings;
import io.tidemq.broker.store.BrokerStore;
import io.tidemq.broker.transaction.HalfMessageDiversion;
import io.tidemq.common.message.MessageConst;
import io.tidemq.store.DefaultMessageStore;
import io.tidemq.store.api.MessageRecord;
import io.tidemq.store.api.StoreConfig;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Measures the heap the timer service needs for 1 000 000 scheduled messages, put through the store API (no
 * network), due over the next hour. Run by hand (it writes ~250 MB):
 * {@code java -cp <test classpath> io.tidemq.broker.schedule.TimerHeapMeasurement [dir]}.
 */
public final class TimerHeapMeasurement {

    private static final int MESSAGES = 1_000_000;

    private TimerHeapMeasurement() {
    }

    public static void main(String[] args) throws Exception {
        Path dir = args.length > 0 ? Path.of(args[0]) : Files.createTempDirectory("timer-heap");
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        TimerSettings settings = TimerSettings.defaults();
        DefaultMessageStore store = new DefaultMessageStore(StoreConfig.builder(dir).warmMappedFiles(false)
                .commitLogFileBytes(256 << 20).build());
        store.start();
        BrokerStore putter = new BrokerStore(store, new HalfMessageDiversion(),
                new TimerDiversion(settings, System::currentTimeMillis));
        TimerMessageService timer = new TimerMessageService(settings, putter, dir.resolve("timer"),
                System::currentTimeMillis);
        timer.start();
        long baseline = usedAfterGc(memory);
        long start = System.nanoTime();
        long now = System.currentTimeMillis();
        byte[] body = "x".repeat(64).getBytes(StandardCharsets.UTF_8);
        CompletableFuture<?> last = null;
        for (int i = 0; i < MESSAGES; i++) {
            long due = now + 60_000 + (i * 3_540_000L) / MESSAGES; // one minute to one hour ahead
            last = putter.putUserMessage(MessageRecord.builder("bench", i % 8).body(body).uniqueKey("U" + i)
                    .property(MessageConst.DELIVER_AT_MS, Long.toString(due)).build(), null);
        }
        last.join();
        while (timer.scheduledCount() != MESSAGES
                || store.maxQueueOffset(TimerRecords.TOPIC, 0) != MESSAGES) {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
        }
        long indexedAfterMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        // wait until the indexer has caught up completely (backlog 0 means pending == MESSAGES)
        long heap = usedAfterGc(memory);
        System.out.printf("scheduled=%d inMemory=%d put+indexed in %d ms; heap baseline=%.1f MiB, with %d scheduled"
                        + "=%.1f MiB, growth=%.1f MiB%n", timer.scheduledCount(), timer.inMemoryCount(), indexedAfterMs,
                baseline / 1048576.0, MESSAGES, heap / 1048576.0, (heap - baseline) / 1048576.0);
        timer.close();
        store.close();
    }

    private static long usedAfterGc(MemoryMXBean memory) {
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return memory.getHeapMemoryUsage().getUsed();
    }
}
