package io.tidemq.cli;

import io.tidemq.client.TopicNotFoundException;
import io.tidemq.client.producer.Producer;
import io.tidemq.client.producer.SendResult;
import io.tidemq.common.message.Message;
import io.tidemq.common.route.TopicConfig;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * {@code tidemq bench produce}: N threads send fixed-size messages (synchronously, or asynchronously with a
 * bound on messages in flight) and report throughput and send latency (from the call to the broker's
 * acknowledgement) from an HdrHistogram.
 */
@Command(name = "produce", mixinStandardHelpOptions = true,
        description = {"Sends fixed-size messages from several threads; prints progress every few seconds and a"
                + " summary: total, msgs/s, MB/s and send latency p50/p99/p999 in ms."},
        footer = {"", "Examples:",
                "  tidemq bench produce --topic bench --threads 4 --size 1024 --seconds 30",
                "  tidemq bench produce --topic bench --threads 8 --size 1024 --warmup-seconds 40 --seconds 15",
                "  tidemq bench produce --topic bench --threads 2 --size 256 --count 1000000 --async --inflight 2000",
                "  tidemq bench produce --topic bench --threads 4 --size 100 --seconds 30 --batch 32",
                "  tidemq bench produce --topic bench --threads 1 --size 1024 --seconds 30 --async --linger-ms 5",
                "  tidemq bench produce --topic many1 --topics 1250 --queues-per-topic 8 --threads 8 --seconds 30"})
public final class BenchProduceCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Mixin
    ClientOptions client;

    @Option(names = "--topic", paramLabel = "TOPIC", required = true, description = "Topic to send to.")
    String topic;

    @Option(names = "--threads", paramLabel = "N", defaultValue = "1", description = "Sending threads (default: ${DEFAULT-VALUE}).")
    int threads;

    @Option(names = "--size", paramLabel = "BYTES", defaultValue = "1024", description = "Body size (default: ${DEFAULT-VALUE}).")
    int sizeBytes;

    @ArgGroup(exclusive = true, multiplicity = "1")
    BenchDuration duration;

    @Option(names = "--batch", paramLabel = "K", defaultValue = "1",
            description = "Messages per send request (default: ${DEFAULT-VALUE}; > 1 sends batches).")
    int batch;

    @Option(names = "--async", description = "Send asynchronously (each thread keeps sending while answers are pending).")
    boolean async;

    @Option(names = "--inflight", paramLabel = "N", defaultValue = "1000",
            description = "With --async: most send requests pending at once, all threads together (default: ${DEFAULT-VALUE}).")
    int inflight;

    @Option(names = "--linger-ms", paramLabel = "MS", defaultValue = "0",
            description = "With --async: each message may wait up to MS ms to leave with others to its topic in one"
                    + " batch request (the producer's sendBatchLingerMs, docs/client.md; default: ${DEFAULT-VALUE} ="
                    + " one request per message). --inflight then counts messages.")
    long lingerMs;

    @Option(names = "--batch-max-bytes", paramLabel = "BYTES", defaultValue = "32768",
            description = "With --linger-ms: most encoded bytes of one such batch request (the producer's"
                    + " sendBatchMaxBytes; default: ${DEFAULT-VALUE}).")
    int batchMaxBytes;

    @Option(names = "--group", paramLabel = "GROUP", defaultValue = "tidemq-bench-producer",
            description = "Producer group (default: ${DEFAULT-VALUE}).")
    String group;

    @Option(names = "--report-interval-s", paramLabel = "S", defaultValue = "3",
            description = "Seconds between progress lines (default: ${DEFAULT-VALUE}).")
    int reportIntervalS;

    @Option(names = "--create-topic", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "Create the topic(s) when no NameServer knows them (default: on).")
    boolean createTopic;

    @Option(names = "--topics", paramLabel = "N", defaultValue = "1",
            description = "Send to N topics named TOPIC-0 .. TOPIC-(N-1), each thread going round them message by"
                    + " message (default: ${DEFAULT-VALUE}: TOPIC itself). A new TOPIC prefix gives fresh topics.")
    int topicCount;

    @Option(names = "--warmup-seconds", paramLabel = "S", defaultValue = "0",
            description = "Send for S seconds first, in this JVM and to the same topic(s), without counting them,"
                    + " so the measured run starts with the client's and the broker's hot paths compiled"
                    + " (default: ${DEFAULT-VALUE}).")
    int warmupSeconds;

    @Option(names = "--queues-per-topic", paramLabel = "M", defaultValue = "8",
            description = "Queues of each topic this command creates (default: ${DEFAULT-VALUE}).")
    int queuesPerTopic;

    /** The topics sent to, set once before the sending threads start. */
    private List<String> topics;
    /** Messages not yet claimed by a thread, with --count; threads claim a batch at a time. */
    private final AtomicLong unclaimed = new AtomicLong();
    /** The first failure's message, for the summary; set once by whichever thread fails first. */
    private final AtomicReference<String> firstFailure = new AtomicReference<>();

    @Override
    public Integer call() throws InterruptedException {
        validate();
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Producer.Builder builder = Producer.builder(group, client.clientConfig("tidemq-bench"));
        if (lingerMs > 0) {
            builder.sendBatchLingerMs(lingerMs).sendBatchMaxBytes(batchMaxBytes);
        }
        try (Producer producer = builder.build()) {
            producer.start();
            topics = topicNames();
            long setupStartNs = System.nanoTime();
            int queues = prepareTopics(producer, err);
            if (topicCount > 1) {
                out.println("bench produce: " + topics.size() + " topics, " + queues + " queues in all, routed in "
                        + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - setupStartNs) + " ms");
            }
            out.println("bench produce: topic " + (topicCount > 1 ? topic + "-0.." + (topicCount - 1) : topic) + ", "
                    + threads + " thread(s), " + sizeBytes + " bytes, "
                    + (batch > 1 ? "batches of " + batch + ", " : "") + (async ? "async (" + inflight + " in flight)" : "sync")
                    + (lingerMs > 0 ? ", packed into batch requests of up to " + batchMaxBytes + " bytes after up to "
                            + lingerMs + " ms" : "")
                    + ", for " + duration.describe() + (warmupSeconds > 0 ? " after a " + warmupSeconds + "-s warm-up" : ""));
            out.flush();
            if (warmupSeconds > 0) {
                BenchStats warmup = new BenchStats("bench produce warm-up", out);
                unclaimed.set(Long.MAX_VALUE);
                runSenders(producer, warmup, System.nanoTime() + TimeUnit.SECONDS.toNanos(warmupSeconds), err);
                out.println(warmup.oneLine("warm-up"));
                out.flush();
                String warmupFailure = firstFailure.getAndSet(null);
                if (warmupFailure != null) {
                    err.println("warm-up: " + warmup.failures() + " message(s) failed; first failure: " + warmupFailure);
                    err.flush();
                }
            }
            BenchStats stats = new BenchStats("bench produce", out);
            unclaimed.set(duration.count != null ? duration.count : Long.MAX_VALUE);
            stats.startReporting(reportIntervalS * 1000L);
            runSenders(producer, stats, duration.deadlineNs(System.nanoTime()), err);
            stats.finish("send latency");
            String failure = firstFailure.get();
            if (failure != null) {
                err.println(stats.failures() + " message(s) failed; first failure: " + failure);
                err.flush();
            }
            return stats.messages() == 0 && stats.failures() > 0 ? CliErrors.EXIT_FAILURE : 0;
        }
    }

    /** Runs the sending threads until the deadline or until no message is left unclaimed, and waits for them. */
    private void runSenders(Producer producer, BenchStats stats, long deadlineNs, PrintWriter err)
            throws InterruptedException {
        Semaphore permits = new Semaphore(inflight);
        Thread[] workers = new Thread[threads];
        for (int i = 0; i < threads; i++) {
            int index = i;
            workers[i] = new Thread(() -> sendLoop(producer, stats, permits, deadlineNs, index),
                    "tidemq-bench-producer-" + i);
            workers[i].start();
        }
        for (Thread w : workers) {
            w.join();
        }
        if (async && !permits.tryAcquire(inflight, client.requestTimeoutMs * 2, TimeUnit.MILLISECONDS)) {
            err.println("warning: " + (inflight - permits.availablePermits()) + " send(s) still unanswered");
        }
    }

    private void validate() {
        CommandLine cl = spec.commandLine();
        check(cl, threads >= 1 && threads <= 1024, "--threads must be in [1, 1024], was " + threads);
        check(cl, sizeBytes >= 1 && sizeBytes <= 64 << 20, "--size must be in [1, 67108864] bytes, was " + sizeBytes);
        check(cl, batch >= 1 && batch <= 10_000, "--batch must be in [1, 10000], was " + batch);
        check(cl, inflight >= 1 && inflight <= 1_000_000, "--inflight must be in [1, 1000000], was " + inflight);
        check(cl, reportIntervalS >= 1 && reportIntervalS <= 3600, "--report-interval-s must be in [1, 3600]");
        check(cl, duration.count == null || duration.count >= 1, "--count must be at least 1");
        check(cl, duration.seconds == null || duration.seconds >= 1, "--seconds must be at least 1");
        check(cl, lingerMs == 0 || async && batch == 1, "--linger-ms packs async sends of single messages: give"
                + " --async and no --batch");
        check(cl, lingerMs >= 0 && lingerMs <= Producer.MAX_SEND_BATCH_LINGER_MS, "--linger-ms must be in [0, "
                + Producer.MAX_SEND_BATCH_LINGER_MS + "], was " + lingerMs);
        check(cl, warmupSeconds >= 0 && warmupSeconds <= 3600, "--warmup-seconds must be in [0, 3600], was " + warmupSeconds);
        check(cl, topicCount >= 1 && topicCount <= 100_000, "--topics must be in [1, 100000], was " + topicCount);
        check(cl, queuesPerTopic >= 1 && queuesPerTopic <= TopicConfig.MAX_QUEUE_NUMS,
                "--queues-per-topic must be in [1, " + TopicConfig.MAX_QUEUE_NUMS + "], was " + queuesPerTopic);
    }

    /** TOPIC itself, or TOPIC-0 .. TOPIC-(N-1) with --topics N. */
    List<String> topicNames() {
        if (topicCount == 1) {
            return List.of(topic);
        }
        List<String> names = new ArrayList<>(topicCount);
        for (int i = 0; i < topicCount; i++) {
            names.add(topic + "-" + i);
        }
        return names;
    }

    /**
     * Creates the topics no NameServer knows (all at once, then waits for their routes; unless --no-create-topic)
     * and returns the queues of all topics together. The NameServer is asked, not the producer: a broker that creates topics on first use
     * would otherwise get them with its default queue count. Route lookups happen here, so the timed sends do not
     * include them.
     */
    private int prepareTopics(Producer producer, PrintWriter err) {
        if (createTopic) {
            TopicCreator creator = new TopicCreator(client, err);
            List<String> missing = creator.missing(topics);
            if (!missing.isEmpty()) {
                creator.create(missing, queuesPerTopic);
            }
        }
        int queues = 0;
        for (String t : topics) {
            queues += producer.writableQueues(t).size();
        }
        return queues;
    }

    private static void check(CommandLine cl, boolean ok, String message) {
        if (!ok) {
            throw new CommandLine.ParameterException(cl, message);
        }
    }

    /**
     * One thread: the body and the message (or batch) of each topic are built once and resent; the producer copies
     * nothing. With several topics each thread goes round all of them, starting at its own index.
     */
    private void sendLoop(Producer producer, BenchStats stats, Semaphore permits, long deadlineNs, int threadIndex) {
        byte[] body = Payloads.filled(sizeBytes);
        Message[] perTopic = new Message[topics.size()];
        List<List<Message>> batches = new ArrayList<>(topics.size());
        for (int i = 0; i < perTopic.length; i++) {
            perTopic[i] = Message.builder(topics.get(i)).body(body).build();
            batches.add(Collections.nCopies(batch, perTopic[i]));
        }
        int next = threadIndex % perTopic.length;
        while (System.nanoTime() < deadlineNs) {
            int n = claim();
            if (n == 0) {
                return;
            }
            Message msg = perTopic[next];
            List<Message> messages = n == batch ? batches.get(next) : Collections.nCopies(n, msg);
            next = next + 1 == perTopic.length ? 0 : next + 1;
            try {
                if (async) {
                    permits.acquire();
                    sendAsync(producer, stats, permits, msg, messages, n);
                } else {
                    long t0 = System.nanoTime();
                    if (batch == 1) {
                        producer.send(msg);
                    } else {
                        producer.send(messages);
                    }
                    stats.record(n, (long) n * sizeBytes, (System.nanoTime() - t0) / 1_000);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                fail(stats, n, e);
            }
        }
    }

    private void sendAsync(Producer producer, BenchStats stats, Semaphore permits, Message msg, List<Message> messages,
                           int n) {
        long t0 = System.nanoTime();
        CompletableFuture<SendResult> f;
        try {
            f = batch == 1 ? producer.sendAsync(msg) : producer.sendAsync(messages);
        } catch (RuntimeException e) {
            permits.release();
            throw e;
        }
        f.whenComplete((r, e) -> {
            if (e == null) {
                stats.record(n, (long) n * sizeBytes, (System.nanoTime() - t0) / 1_000);
            } else {
                fail(stats, n, e);
            }
            permits.release();
        });
    }

    private void fail(BenchStats stats, int n, Throwable e) {
        stats.failed(n);
        Throwable cause = e instanceof java.util.concurrent.CompletionException && e.getCause() != null ? e.getCause() : e;
        firstFailure.compareAndSet(null, CliErrors.describe(cause));
    }

    /** Claims up to one batch of the messages left to send; 0 when none are left. */
    private int claim() {
        while (true) {
            long left = unclaimed.get();
            if (left <= 0) {
                return 0;
            }
            int n = (int) Math.min(batch, left);
            if (unclaimed.compareAndSet(left, left - n)) {
                return n;
            }
        }
    }
}
