package io.tidemq.cli;

import io.tidemq.store.DefaultMessageStore;
import io.tidemq.store.api.MessageRecord;
import io.tidemq.store.api.StoreClosedException;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.SingleWriterRecorder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * The appending threads of {@code tidemq bench store}. Each thread owns one payload array and one latency
 * recorder, so the measured loop allocates only what a broker would (one {@link MessageRecord} per put) and
 * threads never contend on anything but the store itself.
 */
final class StoreBenchWriters {

    private static final Logger log = LoggerFactory.getLogger(StoreBenchWriters.class);
    /** Latencies above this are clamped (a put taking a minute is reported as a minute). */
    static final long MAX_LATENCY_NS = TimeUnit.SECONDS.toNanos(60);
    private static final InetSocketAddress BENCH_HOST = new InetSocketAddress("127.0.0.1", 10911);

    enum Phase { WARMUP, MEASURE, STOP }

    private final DefaultMessageStore store;
    private final String topic;
    private final int queues;
    private final int bodyBytes;
    private final boolean reuseRecord;
    /** Puts each thread makes in the MEASURE phase; 0 = until STOP. */
    private final long[] quotas;
    private final List<Thread> threads = new ArrayList<>();
    /** One per thread; written by that thread only, sampled by the reporting thread. */
    private final List<SingleWriterRecorder> recorders = new ArrayList<>();
    private final CountDownLatch finished;
    /** Put failures (SYNC timeouts, I/O errors); any thread adds. */
    private final LongAdder failures = new LongAdder();
    /** Set by the reporting thread; read by every writer before each put. */
    private volatile Phase phase = Phase.WARMUP;

    /**
     * @param totalCount puts in the measured phase, split evenly over the threads; 0 = until {@link #stop()}
     */
    StoreBenchWriters(DefaultMessageStore store, String topic, int queues, int threadCount, int bodyBytes,
                      long totalCount, boolean reuseRecord) {
        this.store = store;
        this.topic = topic;
        this.queues = queues;
        this.bodyBytes = bodyBytes;
        this.reuseRecord = reuseRecord;
        this.quotas = new long[threadCount];
        this.finished = new CountDownLatch(threadCount);
        for (int t = 0; t < threadCount; t++) {
            quotas[t] = totalCount == 0 ? 0 : totalCount / threadCount + (t < totalCount % threadCount ? 1 : 0);
            SingleWriterRecorder recorder = new SingleWriterRecorder(1, MAX_LATENCY_NS, 3);
            recorders.add(recorder);
            int index = t;
            Thread thread = new Thread(() -> run(index, recorder), "tidemq-bench-writer-" + t);
            thread.setDaemon(true);
            threads.add(thread);
        }
    }

    void start() {
        threads.forEach(Thread::start);
    }

    /** Ends the warm-up: from now on puts count against the quotas. */
    void measure() {
        phase = Phase.MEASURE;
    }

    void stop() {
        phase = Phase.STOP;
    }

    /** Waits up to {@code timeoutMs} for every thread to finish; true when all have. */
    boolean awaitFinished(long timeoutMs) throws InterruptedException {
        return finished.await(timeoutMs, TimeUnit.MILLISECONDS);
    }

    /** Latencies (ns) recorded since the previous call, summed over the threads, into {@code into}. */
    void drainLatencies(Histogram into) {
        for (SingleWriterRecorder recorder : recorders) {
            into.add(recorder.getIntervalHistogram());
        }
    }

    long failures() {
        return failures.sum();
    }

    private void run(int index, SingleWriterRecorder recorder) {
        byte[] payload = Payloads.filled(bodyBytes);
        int queueId = index % queues;
        MessageRecord reused = reuseRecord ? record(queueId, payload) : null;
        long quota = quotas[index];
        long measured = 0;
        try {
            while (true) {
                Phase now = phase;
                if (now == Phase.STOP || (now == Phase.MEASURE && quota > 0 && measured >= quota)) {
                    return;
                }
                MessageRecord record = reused != null ? reused : record(queueId, payload);
                long startNs = System.nanoTime();
                try {
                    store.putMessage(record).join();
                } catch (CompletionException e) {
                    if (e.getCause() instanceof StoreClosedException) {
                        return;
                    }
                    failures.increment();
                    continue;
                }
                if (phase == now) {
                    // a put that straddles the end of the warm-up belongs to neither phase
                    recorder.recordValue(Math.min(System.nanoTime() - startNs, MAX_LATENCY_NS));
                }
                if (now == Phase.MEASURE) {
                    measured++;
                }
            }
        } catch (RuntimeException e) {
            log.error("{} failed", Thread.currentThread().getName(), e);
            failures.increment();
        } finally {
            finished.countDown();
        }
    }

    private MessageRecord record(int queueId, byte[] payload) {
        return MessageRecord.builder(topic, queueId).body(payload).bornHost(BENCH_HOST).storeHost(BENCH_HOST).build();
    }
}
