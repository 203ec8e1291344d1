package io.tidemq.it.support;

import io.tidemq.client.producer.Producer;
import io.tidemq.client.producer.SendResult;
import io.tidemq.common.message.Message;

import java.util.BitSet;
import java.util.List;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

/**
 * Sends {@link Bodies} with sequence numbers 0, 1, 2, ... one synchronous send at a time on its own thread
 * ({@code it-stream-producer}) until stopped or {@code maxMessages} are attempted, recording every attempt:
 * when it started and ended, and whether (and where) it was acknowledged.
 */
public final class StreamProducer implements AutoCloseable {

    /** One send: times from {@link System#nanoTime()}; broker null when it failed. */
    public record Attempt(int seq, long startNs, long endNs, String brokerName, String error) {
        public boolean acked() {
            return brokerName != null;
        }
    }

    private final Producer producer;
    private final String topic;
    private final int maxMessages;
    private final Thread thread;
    /** Attempts and their counts: written by the sender thread, read by the test thread. */
    private final Queue<Attempt> attempts = new ConcurrentLinkedQueue<>();
    private final AtomicInteger attempted = new AtomicInteger();
    private final AtomicInteger acked = new AtomicInteger();
    /** Set by the test thread, read by the sender thread before each send. */
    private volatile boolean stopping;

    public StreamProducer(Producer producer, String topic, int maxMessages) {
        this.producer = producer;
        this.topic = topic;
        this.maxMessages = maxMessages;
        this.thread = new Thread(this::run, "it-stream-producer");
        this.thread.setDaemon(true);
    }

    public StreamProducer start() {
        thread.start();
        return this;
    }

    private void run() {
        for (int seq = 0; seq < maxMessages && !stopping; seq++) {
            Message m = Message.builder(topic).tag("t" + (seq % 4)).body(Bodies.of(seq)).build();
            long start = System.nanoTime();
            try {
                SendResult r = producer.send(m);
                attempts.add(new Attempt(seq, start, System.nanoTime(), r.queue().brokerName(), null));
                acked.incrementAndGet();
            } catch (RuntimeException e) {
                attempts.add(new Attempt(seq, start, System.nanoTime(), null, e.toString()));
            }
            attempted.incrementAndGet();
        }
    }

    public int attempted() {
        return attempted.get();
    }

    public int acked() {
        return acked.get();
    }

    public boolean isDone() {
        return !thread.isAlive();
    }

    /** Stops after the send in progress and waits for the thread. */
    public void stop() {
        stopping = true;
        try {
            thread.join(60_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (thread.isAlive()) {
            throw new IllegalStateException("the stream producer did not stop within 60 s");
        }
    }

    public List<Attempt> attempts() {
        return List.copyOf(attempts);
    }

    /** Sequence numbers acknowledged by a broker (all, or those on {@code brokerName} when not null). */
    public BitSet ackedSeqs(String brokerName) {
        BitSet out = new BitSet();
        for (Attempt a : attempts) {
            if (a.acked() && (brokerName == null || brokerName.equals(a.brokerName()))) {
                out.set(a.seq());
            }
        }
        return out;
    }

    /** The first acknowledged send that started at or after {@code startNs}. */
    public Optional<Attempt> firstAckStartedAfter(long startNs) {
        return attempts.stream().filter(a -> a.acked() && a.startNs() >= startNs).findFirst();
    }

    /** A few failure messages, for assertion messages. */
    public String failureSample(int max) {
        return attempts.stream().filter(a -> !a.acked()).limit(max).map(a -> a.seq() + ": " + a.error())
                .collect(Collectors.joining("\n"));
    }

    @Override
    public void close() {
        if (thread.isAlive()) {
            stop();
        }
    }
}
