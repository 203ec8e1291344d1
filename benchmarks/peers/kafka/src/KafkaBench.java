import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Minimal peer benchmark for Apache Kafka, same method as rocketmq/src/RmqBench.java
 * (one shared producer, THREADS threads each doing a blocking send().get(), linger.ms=0).
 *
 *   java KafkaBench produce BOOTSTRAP TOPIC THREADS COUNT SIZE ACKS [WARMUP]
 *   java KafkaBench consume BOOTSTRAP TOPIC COUNT TIMEOUT_S      (assign all partitions, from offset 0)
 *   java KafkaBench e2e     BOOTSTRAP TOPIC THREADS COUNT SIZE ACKS [RATE] [WARMUP]   (RATE msgs/s in all; 0 = as fast as sends go;
 *                           WARMUP + COUNT sent, the first WARMUP received not measured)
 *   java KafkaBench fill    BOOTSTRAP TOPIC COUNT SIZE                 (async, acks=1, 1000 in flight: a backlog for consume)
 * Output lines start with "RESULT".
 */
public class KafkaBench {
    public static void main(String[] a) throws Exception {
        switch (a[0]) {
            case "produce": produce(a[1], a[2], i(a[3]), i(a[4]), i(a[5]), a[6], a.length > 7 ? i(a[7]) : 10000); break;
            case "consume": consume(a[1], a[2], i(a[3]), i(a[4])); break;
            case "e2e": e2e(a[1], a[2], i(a[3]), i(a[4]), i(a[5]), a[6], a.length > 7 ? i(a[7]) : 0, a.length > 8 ? i(a[8]) : 0); break;
            case "fill": fill(a[1], a[2], i(a[3]), i(a[4])); break;
            default: throw new IllegalArgumentException(a[0]);
        }
        System.exit(0);
    }

    static int i(String s) { return Integer.parseInt(s); }

    static KafkaProducer<byte[], byte[]> producer(String bs, String acks) {
        Properties p = new Properties();
        p.put("bootstrap.servers", bs);
        p.put("acks", acks);
        p.put("linger.ms", "0");            // Kafka 4 default is 5 ms; 0 matches a sync-send client
        p.put("compression.type", "none");
        p.put("enable.idempotence", acks.equals("all") ? "true" : "false");
        p.put("key.serializer", ByteArraySerializer.class.getName());
        p.put("value.serializer", ByteArraySerializer.class.getName());
        return new KafkaProducer<>(p);
    }

    static long[] sendAll(KafkaProducer<byte[], byte[]> p, String topic, int threads, int count, byte[] body,
                          long[] lat) throws Exception {
        return sendAll(p, topic, threads, count, body, lat, 0);
    }

    /** As above; with rate > 0 message k is sent no earlier than k / rate seconds after the start (fixed rate, all threads together). */
    static long[] sendAll(KafkaProducer<byte[], byte[]> p, String topic, int threads, int count, byte[] body,
                          long[] lat, int rate) throws Exception {
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
                        p.send(new ProducerRecord<>(topic, body)).get();
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

    static void produce(String bs, String topic, int threads, int count, int size, String acks, int warmup)
            throws Exception {
        byte[] body = new byte[size];
        Arrays.fill(body, (byte) 'x');
        try (KafkaProducer<byte[], byte[]> p = producer(bs, acks)) {
            if (warmup > 0) sendAll(p, topic, threads, warmup, body, null);
            long[] lat = new long[count];
            long c0 = cpuMs();
            long[] r = sendAll(p, topic, threads, count, body, lat);
            long cpu = cpuMs() - c0;
            double sec = r[0] / 1e9;
            System.out.printf("RESULT kafka produce acks=%s threads=%d count=%d size=%d warmup=%d secs=%.2f msgs/s=%.0f MB/s=%.2f failed=%d client_cpu_us/msg=%.0f %s%n",
                    acks, threads, count, size, warmup, sec, count / sec, count * (double) size / sec / 1048576.0,
                    r[1], cpu * 1000.0 / count, pct("send_ms", lat));
        }
    }

    static KafkaConsumer<byte[], byte[]> consumer(String bs) {
        Properties c = new Properties();
        c.put("bootstrap.servers", bs);
        c.put("enable.auto.commit", "false");
        c.put("key.deserializer", ByteArrayDeserializer.class.getName());
        c.put("value.deserializer", ByteArrayDeserializer.class.getName());
        return new KafkaConsumer<>(c);
    }

    static List<TopicPartition> assignAll(KafkaConsumer<byte[], byte[]> c, String topic) {
        List<TopicPartition> tps = new ArrayList<>();
        for (PartitionInfo pi : c.partitionsFor(topic)) tps.add(new TopicPartition(topic, pi.partition()));
        c.assign(tps);
        c.seekToBeginning(tps);
        return tps;
    }

    static void consume(String bs, String topic, int count, int timeoutS) {
        try (KafkaConsumer<byte[], byte[]> c = consumer(bs)) {
            long t0 = System.nanoTime();
            assignAll(c, topic);
            long got = 0, first = 0, deadline = t0 + timeoutS * 1_000_000_000L;
            while (got < count && System.nanoTime() < deadline) {
                ConsumerRecords<byte[], byte[]> rs = c.poll(Duration.ofMillis(200));
                if (!rs.isEmpty() && first == 0) first = System.nanoTime();
                got += rs.count();
            }
            double sec = (System.nanoTime() - first) / 1e9;
            System.out.printf("RESULT kafka consume count=%d got=%d complete=%s secs_from_first_msg=%.2f msgs/s=%.0f startup_to_first_msg_s=%.2f%n",
                    count, got, got >= count, sec, got / sec, (first - t0) / 1e9);
        }
    }

    static void e2e(String bs, String topic, int threads, int count, int size, String acks, int rate, int warmup) throws Exception {
        long[] e2e = new long[count];
        long[] firstLast = new long[2];
        long[] got = new long[1];
        Thread ct = new Thread(() -> {
            try (KafkaConsumer<byte[], byte[]> c = consumer(bs)) {
                assignAll(c, topic);
                long deadline = System.nanoTime() + 120_000_000_000L;
                while (got[0] < warmup + count && System.nanoTime() < deadline) {
                    ConsumerRecords<byte[], byte[]> rs = c.poll(Duration.ofMillis(100));
                    long now = System.currentTimeMillis();
                    for (ConsumerRecord<byte[], byte[]> r : rs) {
                        long k = got[0] - warmup;
                        if (k == 0) firstLast[0] = System.nanoTime();
                        if (k >= 0 && k < count) e2e[(int) k] = (now - r.timestamp()) * 1_000_000L;
                        got[0]++;
                    }
                }
                firstLast[1] = System.nanoTime();
            }
        });
        ct.start();
        Thread.sleep(3000);
        byte[] body = new byte[size];
        Arrays.fill(body, (byte) 'y');
        long[] r;
        try (KafkaProducer<byte[], byte[]> p = producer(bs, acks)) {
            r = sendAll(p, topic, threads, warmup + count, body, null, rate);
        }
        ct.join();
        double psec = r[0] / 1e9, csec = (firstLast[1] - firstLast[0]) / 1e9;
        long measured = Math.max(0, got[0] - warmup);
        System.out.printf("RESULT kafka e2e acks=%s threads=%d rate=%d warmup=%d count=%d size=%d produce_msgs/s=%.0f delivered=%d complete=%s consume_msgs/s=%.0f %s%n",
                acks, threads, rate, warmup, count, size, (warmup + count) / psec, measured, measured >= count, measured / csec, pct("e2e_ms", e2e));
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
    static void fill(String bs, String topic, int count, int size) throws Exception {
        byte[] body = new byte[size];
        Arrays.fill(body, (byte) 'b');
        java.util.concurrent.Semaphore window = new java.util.concurrent.Semaphore(1000);
        AtomicLong failed = new AtomicLong();
        long t0 = System.nanoTime();
        try (KafkaProducer<byte[], byte[]> p = producer(bs, "1")) {
            for (int k = 0; k < count; k++) {
                window.acquire();
                p.send(new ProducerRecord<>(topic, body), (md, e) -> {
                    if (e != null) failed.incrementAndGet();
                    window.release();
                });
            }
            window.acquire(1000);
        }
        double sec = (System.nanoTime() - t0) / 1e9;
        System.out.printf("RESULT kafka fill count=%d size=%d secs=%.2f msgs/s=%.0f failed=%d%n", count, size, sec, count / sec, failed.get());
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
