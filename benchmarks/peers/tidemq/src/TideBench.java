import java.util.Arrays;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import io.tidemq.client.ClientConfig;
import io.tidemq.client.consumer.ConsumeFromWhere;
import io.tidemq.client.consumer.ConsumeStatus;
import io.tidemq.client.consumer.PushConsumer;
import io.tidemq.client.producer.Producer;
import io.tidemq.client.producer.SendResult;
import io.tidemq.client.producer.SendStatus;
import io.tidemq.common.message.Message;
import io.tidemq.common.message.MessageExt;

/**
 * Minimal peer benchmark for TideMQ: the same method as rocketmq/src/RmqBench.java and
 * kafka/src/KafkaBench.java, through TideMQ's public client API (tidemq-client).
 *
 *   java TideBench produce NAMESRV TOPIC THREADS COUNT SIZE [WARMUP]
 *       sync send() from THREADS threads, COUNT messages in total (after WARMUP unmeasured ones);
 *       prints msgs/s, MB/s and send-latency percentiles.
 *   java TideBench consume NAMESRV TOPIC COUNT TIMEOUT_S
 *       new push-consumer group from the first offset; reads COUNT messages (catch-up read).
 *   java TideBench e2e NAMESRV TOPIC THREADS COUNT SIZE [RATE] [WARMUP]
 *       consumer running while THREADS producers sync-send WARMUP + COUNT messages; the first WARMUP received are
 *       not measured (the fresh client JVM's JIT and heap sizing), the next COUNT are;
 *       prints delivered msgs/s and end-to-end latency (receive time - born timestamp); with RATE > 0 the
 *       producers send at that fixed rate (msgs/s, all threads together) instead of as fast as they can.
 *   java TideBench fill NAMESRV TOPIC COUNT SIZE
 *       async sends, at most 1000 in flight, not measured: a backlog for the consume step (BACKLOG).
 * Output lines start with "RESULT" so scripts can grep them.
 *
 * RmqBench setting -> TideMQ equivalent:
 *   producer group "bench_producer_<nanos>"    -> Producer.builder("bench_producer_<nanos>", config)
 *   setSendMsgTimeout(10000)                   -> ClientConfig requestTimeoutMs(10000)
 *   setRetryTimesWhenSendFailed(0)             -> ClientConfig retryTimesWhenSendFailed(0)
 *   setCompressMsgBodyOverHowmuch(MAX)         -> nothing: TideMQ never compresses bodies
 *   CONSUME_FROM_FIRST_OFFSET                  -> consumeFromWhere(ConsumeFromWhere.FIRST)
 *   setPullBatchSize(32)                       -> ClientConfig pullBatchSize(32) (-Dtidebench.pullBatchSize=N for an
 *                                                 A/B of the batch size; bench-tidemq.sh: PULL_BATCH)
 *   MessageListenerConcurrently / CONSUME_SUCCESS -> registerListener(...) / ConsumeStatus.SUCCESS
 *   own MQClientInstance per producer/consumer (RocketMQ sets instanceName to pid#nanos)
 *                                              -> ClientConfig instanceName(<role>-<nanos>): in e2e the
 *                                                 producer and the consumer get separate connections too
 */
public class TideBench {
    public static void main(String[] a) throws Exception {
        switch (a[0]) {
            case "produce": produce(a[1], a[2], i(a[3]), i(a[4]), i(a[5]), a.length > 6 ? i(a[6]) : 10000, "produce"); break;
            case "consume": consume(a[1], a[2], i(a[3]), i(a[4])); break;
            case "e2e": e2e(a[1], a[2], i(a[3]), i(a[4]), i(a[5]), a.length > 6 ? i(a[6]) : 0, a.length > 7 ? i(a[7]) : 0); break;
            case "fill": fill(a[1], a[2], i(a[3]), i(a[4])); break;
            default: throw new IllegalArgumentException(a[0]);
        }
        System.exit(0);
    }

    static int i(String s) { return Integer.parseInt(s); }

    /** A client config of its own (own client instance = own connections), as RocketMQ's pid#nanos instanceName. */
    static ClientConfig.Builder config(String ns, String role) {
        return ClientConfig.builder().namesrvAddrs(ns).instanceName(role + "-" + System.nanoTime());
    }

    static Producer producer(String ns) {
        ClientConfig config = config(ns, "producer")
                .requestTimeoutMs(10000)          // = RmqBench setSendMsgTimeout(10000)
                .retryTimesWhenSendFailed(0)      // = RmqBench setRetryTimesWhenSendFailed(0)
                .build();                         // bodies are never compressed by TideMQ
        Producer p = Producer.builder("bench_producer_" + System.nanoTime(), config).build();
        p.start();
        return p;
    }

    /** Runs THREADS senders over COUNT messages; returns {elapsedNanos, failures} and fills lat. */
    static long[] sendAll(Producer p, String topic, int threads, int count, byte[] body, long[] lat)
            throws Exception {
        return sendAll(p, topic, threads, count, body, lat, 0);
    }

    /** As above; with rate > 0 message k is sent no earlier than k / rate seconds after the start (fixed rate, all threads together). */
    static long[] sendAll(Producer p, String topic, int threads, int count, byte[] body, long[] lat, int rate)
            throws Exception {
        AtomicLong next = new AtomicLong();
        AtomicLong failed = new AtomicLong();
        Thread[] ts = new Thread[threads];
        long t0 = System.nanoTime();
        for (int t = 0; t < threads; t++) {
            ts[t] = new Thread(() -> {
                long k;
                while ((k = next.getAndIncrement()) < count) {
                    if (rate > 0) pace(t0, k, rate);
                    long s = System.nanoTime();
                    try {
                        SendResult r = p.send(Message.builder(topic).body(body).build());
                        if (r.status() != SendStatus.SEND_OK) failed.incrementAndGet();
                    } catch (Exception e) {
                        failed.incrementAndGet();
                    }
                    if (lat != null) lat[(int) k] = System.nanoTime() - s;
                }
            });
            ts[t].start();
        }
        for (Thread t : ts) t.join();
        return new long[] {System.nanoTime() - t0, failed.get()};
    }

    static void produce(String ns, String topic, int threads, int count, int size, int warmup, String tag)
            throws Exception {
        byte[] body = new byte[size];
        Arrays.fill(body, (byte) 'x');
        Producer p = producer(ns);
        if (warmup > 0) sendAll(p, topic, threads, warmup, body, null);
        long[] lat = new long[count];
        long c0 = cpuMs();
        long[] r = sendAll(p, topic, threads, count, body, lat);
        long cpu = cpuMs() - c0;
        double sec = r[0] / 1e9;
        System.out.printf("RESULT tidemq %s threads=%d count=%d size=%d warmup=%d secs=%.2f msgs/s=%.0f MB/s=%.2f failed=%d client_cpu_us/msg=%.0f %s%n",
                tag, threads, count, size, warmup, sec, count / sec, count * (double) size / sec / 1048576.0, r[1],
                cpu * 1000.0 / count, pct("send_ms", lat));
        p.close();
    }

    static void consume(String ns, String topic, int count, int timeoutS) throws Exception {
        AtomicLong got = new AtomicLong();
        AtomicLong first = new AtomicLong();
        CountDownLatch done = new CountDownLatch(1);
        PushConsumer c = PushConsumer.builder("bench_consumer_" + System.nanoTime(),
                        config(ns, "consumer").pullBatchSize(Integer.getInteger("tidebench.pullBatchSize", 32)).build())
                .consumeFromWhere(ConsumeFromWhere.FIRST)
                .build();
        c.subscribe(topic, "*");
        c.registerListener((msgs, ctx) -> {
            first.compareAndSet(0, System.nanoTime());
            if (got.addAndGet(msgs.size()) >= count) done.countDown();
            return ConsumeStatus.SUCCESS;
        });
        long t0 = System.nanoTime();
        c.start();
        boolean ok = done.await(timeoutS, TimeUnit.SECONDS);
        long t1 = System.nanoTime();
        double sec = (t1 - first.get()) / 1e9;
        System.out.printf("RESULT tidemq consume count=%d got=%d complete=%s secs_from_first_msg=%.2f msgs/s=%.0f startup_to_first_msg_s=%.2f%n",
                count, got.get(), ok, sec, got.get() / sec, (first.get() - t0) / 1e9);
        c.close();
    }

    static void e2e(String ns, String topic, int threads, int count, int size, int rate, int warmup) throws Exception {
        long[] e2e = new long[count];
        AtomicLong got = new AtomicLong();
        AtomicLong first = new AtomicLong();
        AtomicLong last = new AtomicLong();
        CountDownLatch done = new CountDownLatch(1);
        PushConsumer c = PushConsumer.builder("bench_e2e_" + System.nanoTime(), config(ns, "consumer").build())
                .consumeFromWhere(ConsumeFromWhere.FIRST)
                .build();
        c.subscribe(topic, "*");
        c.registerListener((msgs, ctx) -> {
            long now = System.currentTimeMillis();
            for (MessageExt m : msgs) {
                long k = got.getAndIncrement() - warmup;
                if (k == 0) first.set(System.nanoTime());
                if (k >= 0 && k < count) e2e[(int) k] = (now - m.bornTimestampMs()) * 1_000_000L;
            }
            if (got.get() >= warmup + count) { last.compareAndSet(0, System.nanoTime()); done.countDown(); }
            return ConsumeStatus.SUCCESS;
        });
        c.start();
        awaitReady(c, topic);
        byte[] body = new byte[size];
        Arrays.fill(body, (byte) 'y');
        Producer p = producer(ns);
        long[] r = sendAll(p, topic, threads, warmup + count, body, null, rate);
        boolean ok = done.await(60, TimeUnit.SECONDS);
        double psec = r[0] / 1e9;
        double csec = ((ok ? last.get() : System.nanoTime()) - first.get()) / 1e9;
        long measured = Math.max(0, got.get() - warmup);
        System.out.printf("RESULT tidemq e2e threads=%d rate=%d warmup=%d count=%d size=%d produce_msgs/s=%.0f delivered=%d complete=%s consume_msgs/s=%.0f %s%n",
                threads, rate, warmup, count, size, (warmup + count) / psec, measured, ok, measured / csec, pct("e2e_ms", e2e));
        p.close();
        c.close();
    }

    /**
     * Waits until rebalance has given the push consumer its queues (pulls running), as RmqBench.awaitReady does,
     * so that e2e latency does not include the consumer's start-up. TideMQ pulls carry their subscription, so
     * RocketMQ's extra heartbeat is not needed; if no queue is assigned after 1 s the subscription is repeated,
     * which makes TideMQ rebalance at once (RmqBench: route refresh + rebalanceImmediately).
     * The same total pause as RmqBench (0.5 s + 0.5 s) follows the assignment.
     */
    static void awaitReady(PushConsumer c, String topic) throws Exception {
        long w0 = System.nanoTime();
        while (c.assignment().isEmpty() && System.nanoTime() - w0 < 40_000_000_000L) {
            Thread.sleep(200);
            if (System.nanoTime() - w0 > 1_000_000_000L) {  // nudge: rebalance now
                c.subscribe(topic, "*");
                Thread.sleep(300);
            }
        }
        Thread.sleep(1000);
        System.out.printf("RESULT tidemq consumer-ready queues=%d after_s=%.1f%n",
                c.assignment().size(), (System.nanoTime() - w0) / 1e9);
    }

    /** Sleeps until message k of a fixed-rate run is due (t0 + k / rate seconds); returns at once when late. */
    static void pace(long t0, long k, int rate) {
        long due = t0 + k * 1_000_000_000L / rate;
        long wait;
        while ((wait = due - System.nanoTime()) > 0) java.util.concurrent.locks.LockSupport.parkNanos(wait);
    }

    /**
     * Fills TOPIC with COUNT messages of SIZE bytes as fast as the client goes (async sends, at most 1000 in
     * flight), for a consume step that needs a large backlog (BACKLOG in the bench script). Not a measurement.
     */
    static void fill(String ns, String topic, int count, int size) throws Exception {
        byte[] body = new byte[size];
        Arrays.fill(body, (byte) 'b');
        Producer p = producer(ns);
        java.util.concurrent.Semaphore window = new java.util.concurrent.Semaphore(1000);
        AtomicLong failed = new AtomicLong();
        long t0 = System.nanoTime();
        for (int k = 0; k < count; k++) {
            window.acquire();
            p.sendAsync(Message.builder(topic).body(body).build()).whenComplete((r, e) -> {
                if (e != null || r.status() != SendStatus.SEND_OK) failed.incrementAndGet();
                window.release();
            });
        }
        window.acquire(1000);
        double sec = (System.nanoTime() - t0) / 1e9;
        System.out.printf("RESULT tidemq fill count=%d size=%d secs=%.2f msgs/s=%.0f failed=%d%n", count, size, sec, count / sec, failed.get());
        p.close();
    }

    /** CPU time (ms) this client JVM has used so far, all threads. */
    static long cpuMs() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
                .getOperatingSystemMXBean()).getProcessCpuTime() / 1_000_000L;
    }

    static String pct(String name, long[] v) {
        long[] s = v.clone();
        Arrays.sort(s);
        double sum = 0;
        for (long x : s) sum += x;
        return String.format("%s:avg=%.3f,p50=%.3f,p99=%.3f,p999=%.3f,max=%.3f", name, sum / s.length / 1e6,
                s[(int) (s.length * 0.50)] / 1e6, s[(int) (s.length * 0.99)] / 1e6,
                s[(int) Math.min(s.length - 1, s.length * 0.999)] / 1e6, s[s.length - 1] / 1e6);
    }
}
