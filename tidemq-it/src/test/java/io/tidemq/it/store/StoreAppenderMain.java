package io.tidemq.it.store;

import io.tidemq.store.DefaultMessageStore;
import io.tidemq.store.api.FlushMode;
import io.tidemq.store.api.MessageRecord;
import io.tidemq.store.api.PutResult;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;

/**
 * The child JVM of {@link StoreCrashIT}: opens the store, then appends from several threads until it is
 * killed, printing one {@link AckLine} per record only after its put's future completed (SYNC mode) or a
 * single {@code APPENDING} line (ASYNC mode, where acknowledged appends carry no durability promise).
 *
 * <p>Arguments: {@code storeDir flushMode round threads seed maxRunSeconds}. It exits by itself only when
 * a writer fails (exit 2) or when no one killed it within {@code maxRunSeconds} (exit 3), so an orphan
 * never runs on.
 */
public final class StoreAppenderMain {

    static final String STARTED = "STARTED";
    static final String APPENDING = "APPENDING";
    /** ASYNC writers pause this long between puts, so a round writes tens of MB, not gigabytes. */
    private static final long ASYNC_PACING_NS = 200_000;

    private StoreAppenderMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        Path storeDir = Path.of(args[0]);
        FlushMode mode = FlushMode.valueOf(args[1]);
        int round = Integer.parseInt(args[2]);
        int threads = Integer.parseInt(args[3]);
        long seed = Long.parseLong(args[4]);
        long maxRunSeconds = Long.parseLong(args[5]);

        DefaultMessageStore store = new DefaultMessageStore(CrashStores.config(storeDir, mode));
        store.start();
        LinePrinter out = new LinePrinter();
        out.println(STARTED + " " + store.commitLogMaxOffset());
        CountDownLatch failed = new CountDownLatch(1);
        AtomicBoolean announced = new AtomicBoolean();
        for (int t = 0; t < threads; t++) {
            int thread = t;
            Thread writer = new Thread(() -> {
                try {
                    append(store, mode, round, thread, new SplittableRandom(seed ^ (round * 1_000_003L) ^ thread),
                            out, announced);
                } catch (RuntimeException | Error e) {
                    e.printStackTrace();
                    failed.countDown();
                }
            }, "crash-writer-" + t);
            writer.setDaemon(true);
            writer.start();
        }
        if (failed.await(maxRunSeconds, TimeUnit.SECONDS)) {
            out.println("FAILED: a writer thread died (stack trace above)");
            Runtime.getRuntime().halt(2);
        }
        out.println("TIMEOUT: nobody killed this process within " + maxRunSeconds + " s");
        Runtime.getRuntime().halt(3);
    }

    private static void append(DefaultMessageStore store, FlushMode mode, int round, int thread,
                               SplittableRandom random, LinePrinter out, AtomicBoolean announced) {
        long seq = 0;
        while (true) {
            int target = random.nextInt(CrashStores.TOPICS.length);
            String topic = CrashStores.TOPICS[target];
            int queueId = random.nextInt(CrashStores.QUEUES[target]);
            int count = random.nextInt(10) == 0 ? 2 + random.nextInt(3) : 1;
            List<MessageRecord> records = new ArrayList<>(count);
            List<String> hashes = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                byte[] body = CrashBody.encode(round, thread, seq++, bodyBytes(random));
                MessageRecord.Builder b = MessageRecord.builder(topic, queueId).body(body);
                if (random.nextBoolean()) {
                    b.tags(random.nextBoolean() ? "red" : "blue");
                }
                if (random.nextInt(3) == 0) {
                    b.keys("k-" + round + "-" + thread + "-" + seq);
                }
                records.add(b.build());
                hashes.add(CrashBody.hash(body));
            }
            CompletableFuture<PutResult> put = count == 1 ? store.putMessage(records.get(0)) : store.putMessages(records);
            PutResult result;
            try {
                result = put.join();
            } catch (CompletionException e) {
                out.println("PUT FAILED (not acknowledged): " + e.getCause());
                continue;
            }
            if (mode == FlushMode.SYNC) {
                long[] offsets = result.physicalOffsets();
                List<String> ids = result.msgIds();
                for (int i = 0; i < count; i++) {
                    out.println(new AckLine(offsets[i], topic, queueId, result.queueOffset() + i, ids.get(i),
                            hashes.get(i)).format());
                }
            } else {
                if (announced.compareAndSet(false, true)) {
                    out.println(APPENDING);
                }
                LockSupport.parkNanos(ASYNC_PACING_NS);
            }
        }
    }

    /** Mostly small bodies, some medium, a few large enough to fill a 1 MiB file in a handful of records. */
    private static int bodyBytes(SplittableRandom random) {
        int dice = random.nextInt(100);
        if (dice < 70) {
            return CrashBody.OVERHEAD_BYTES + random.nextInt(600);
        }
        if (dice < 95) {
            return 600 + random.nextInt(8 * 1024);
        }
        return 8 * 1024 + random.nextInt(CrashStores.MAX_MESSAGE_BYTES - 8 * 1024);
    }

    /**
     * Writes each line with ONE write(2) on the stdout pipe. Writes up to PIPE_BUF (4 KiB) are atomic, so a
     * line is never interleaved with another thread's line or with log output, and it reaches the parent
     * before the next put starts (nothing is left in a user-space buffer when SIGKILL arrives).
     */
    static final class LinePrinter {
        private final FileOutputStream stdout = new FileOutputStream(FileDescriptor.out);

        synchronized void println(String line) {
            try {
                stdout.write((line + "\n").getBytes(StandardCharsets.UTF_8));
            } catch (IOException e) {
                throw new UncheckedIOException("stdout closed: the parent test is gone", e);
            }
        }
    }
}
