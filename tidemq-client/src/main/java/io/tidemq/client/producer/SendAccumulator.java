package io.tidemq.client.producer;

import io.tidemq.client.ClientStateException;
import io.tidemq.client.remoting.SendBody;
import io.tidemq.client.route.TopicPublishInfo;
import io.tidemq.common.concurrent.NamedThreadFactory;
import io.tidemq.common.message.BatchMessageIds;
import io.tidemq.common.message.MessageCodec;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Packs a producer's {@code sendAsync(Message)} calls to one topic into batch requests (SEND_BATCH_MESSAGE), like
 * Kafka's {@code linger.ms} / {@code batch.size} or RocketMQ 5's auto batch: a message waits at most
 * {@code lingerMs} for others to the same topic, and a batch is sent as soon as one more message would take its
 * encoded entries past {@code maxBytes} (or it holds {@link #MAX_MESSAGES}). A batch is one request: one queue,
 * retried as a whole by {@link MessageSender}; each message's future completes with its own {@link SendResult}
 * (its message id, its queue offset: the batch's first offset plus its place in the batch, its unique id), and a
 * failed batch fails every message's future with the batch's {@link io.tidemq.client.SendFailedException}.
 *
 * <p>Threads: the senders' threads and the linger timer ({@code tidemq-producer-batch-<group>}). The map of
 * pending batches, each pending batch and {@link #closed} are guarded by {@code this}; a batch is handed to the
 * sender while the lock is held, so the batches of a topic leave in the order their messages were added. Network
 * threads (answers) never take the lock.
 */
final class SendAccumulator {

    /** The broker's default {@code maxBatchMessages}: a larger batch would be refused. */
    static final int MAX_MESSAGES = 1_024;

    private final String group;
    private final MessageSender sender;
    private final long lingerMs;
    private final int maxBytes;
    /**
     * Sends the batches whose linger ran out; its task only takes the lock and hands them to the sender. One task at
     * a time, for the oldest batch waiting ({@link #expiryScheduled}), not one scheduled and cancelled per batch:
     * each schedule and cancel woke this thread (a futex wake-up on the sending thread, two per batch) although
     * batches that fill up never wait for it.
     */
    private final ScheduledThreadPoolExecutor timer;
    /** The batch being filled per topic. Guarded by {@code this}. */
    private final Map<String, Pending> pending = new HashMap<>();
    /**
     * Batches sent and not yet answered, for {@link #close} to wait for. A concurrent set, not guarded by
     * {@code this}: a network thread removes a batch when it is answered and must never wait for the lock (its
     * holder may be opening a connection on that very thread's event loop).
     */
    private final Set<CompletableFuture<SendResult>> inFlight = ConcurrentHashMap.newKeySet();
    /** Set by {@link #close}. Guarded by {@code this}. */
    private boolean closed;
    /** Whether the timer holds an {@link #expire} task (at most one). Guarded by {@code this}. */
    private boolean expiryScheduled;
    /** {@link #expire} tasks given to the timer so far. Guarded by {@code this}. */
    private long expiriesScheduled;

    SendAccumulator(String group, MessageSender sender, long lingerMs, int maxBytes) {
        this.group = group;
        this.sender = sender;
        this.lingerMs = lingerMs;
        this.maxBytes = maxBytes;
        this.timer = new ScheduledThreadPoolExecutor(1, NamedThreadFactory.single("tidemq-producer-batch-" + group, true));
        this.timer.setRemoveOnCancelPolicy(true);
    }

    /** Whether a message with these encoded parts fits in a batch at all (else it is sent on its own). */
    boolean fits(byte[] body, byte[] properties) {
        return MessageCodec.batchEntryBytes(body.length, properties.length) <= maxBytes;
    }

    /**
     * Adds a prepared message (its properties already hold its {@code UNIQ_KEY}); the future completes when its
     * batch is answered.
     */
    CompletableFuture<SendResult> add(TopicPublishInfo info, String topic, int flag, byte[] body, byte[] properties,
                                      String uniqueId) {
        Entry entry = new Entry(flag, body, properties, uniqueId);
        synchronized (this) {
            if (closed) {
                throw new ClientStateException("producer " + group + " is closed; create a new one");
            }
            Pending p = pending.get(topic);
            if (p != null && (p.bytes + entry.bytes() > maxBytes || p.entries.size() == MAX_MESSAGES)) {
                pending.remove(topic);
                dispatch(p);
                p = null;
            }
            if (p == null) {
                p = new Pending(topic, info);
                pending.put(topic, p);
                if (!expiryScheduled) {
                    scheduleExpiry(TimeUnit.MILLISECONDS.toNanos(lingerMs));
                }
            }
            p.entries.add(entry);
            p.bytes += entry.bytes();
            return entry.result;
        }
    }

    /** Sends the batch being filled for {@code topic} now, if any (before a message of it that is sent alone). */
    synchronized void flush(String topic) {
        Pending p = pending.remove(topic);
        if (p != null) {
            dispatch(p);
        }
    }

    /**
     * Sends every pending batch, refuses new messages, and waits up to {@code timeoutMs} for the answers of every
     * batch in flight (their futures complete as usual; the caller releases the connections after this).
     */
    void close(long timeoutMs) {
        CompletableFuture<?>[] waiting;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            for (Pending p : pending.values()) {
                dispatch(p);
            }
            pending.clear();
            waiting = inFlight.toArray(CompletableFuture<?>[]::new);
        }
        timer.shutdownNow();
        try {
            CompletableFuture.allOf(waiting).get(timeoutMs, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            // a failed batch failed its messages' futures; one still unanswered fails when the connection closes
        }
    }

    /**
     * The timer's task: sends every batch whose linger has run out, then schedules itself for the oldest batch still
     * waiting (a batch that left because it was full may have been the one it was scheduled for).
     */
    private synchronized void expire() {
        expiryScheduled = false;
        long now = System.nanoTime();
        long lingerNs = TimeUnit.MILLISECONDS.toNanos(lingerMs);
        List<String> due = new ArrayList<>();
        long oldestLeft = Long.MAX_VALUE;
        for (Pending p : pending.values()) {
            if (now - p.createdNs >= lingerNs) {
                due.add(p.topic);
            } else {
                oldestLeft = Math.min(oldestLeft, p.createdNs - now);
            }
        }
        for (String topic : due) {
            dispatch(pending.remove(topic));
        }
        if (oldestLeft != Long.MAX_VALUE && !closed) {
            scheduleExpiry(oldestLeft + lingerNs);
        }
    }

    /** Schedules {@link #expire} in {@code delayNs}; called with the lock held, when none is scheduled. */
    private void scheduleExpiry(long delayNs) {
        timer.schedule(this::expire, Math.max(0, delayNs), TimeUnit.NANOSECONDS);
        expiryScheduled = true;
        expiriesScheduled++;
    }

    /** Tasks the linger timer was given so far (tests: one per linger period at most, not one per batch). */
    synchronized long expiriesScheduled() {
        return expiriesScheduled;
    }

    /** Sends the batch; called with the lock held. */
    private void dispatch(Pending p) {
        int n = p.entries.size();
        int[] flags = new int[n];
        byte[][] bodies = new byte[n][];
        byte[][] properties = new byte[n][];
        StringBuilder ids = new StringBuilder(n * 33);
        for (int i = 0; i < n; i++) {
            Entry e = p.entries.get(i);
            flags[i] = e.flag;
            bodies[i] = e.body;
            properties[i] = e.properties;
            ids.append(i == 0 ? "" : ",").append(e.uniqueId);
        }
        // the entries are written from these arrays straight into the request's frame, not into an array first
        OutgoingMessage out = OutgoingMessage.of(group, p.topic, 0, "", SendBody.batch(flags, bodies, properties), true,
                p.bornTimestampMs, ids.toString());
        List<Entry> entries = p.entries;
        CompletableFuture<SendResult> batch;
        try {
            batch = sender.sendAsync(out, p.info, null);
        } catch (RuntimeException e) {
            entries.forEach(en -> en.result.completeExceptionally(e));
            return;
        }
        inFlight.add(batch);
        batch.whenComplete((r, err) -> {
            inFlight.remove(batch);
            complete(entries, r, err);
        });
    }

    /**
     * Completes each message's future from its batch's result, on the thread that completed the batch (a network
     * thread: the callbacks run there, as for an unbatched send). Per message only its {@link SendResult} is made:
     * with the compact ids the broker answers this producer, a message's id is written when it is asked for.
     */
    static void complete(List<Entry> entries, SendResult r, Throwable err) {
        if (err != null) {
            Throwable cause = err instanceof CompletionException && err.getCause() != null ? err.getCause() : err;
            for (Entry e : entries) {
                e.result.completeExceptionally(cause);
            }
            return;
        }
        int n = entries.size();
        BatchMessageIds ids = r.batchIds();
        // a broker that lists the ids (one older than the compact form) answers them comma-separated
        String[] listed = ids == null && r.msgId() != null ? r.msgId().split(",", -1) : null;
        boolean idsMatch = ids != null ? ids.count() == n : listed != null && listed.length == n;
        for (int i = 0; i < n; i++) {
            Entry e = entries.get(i);
            long offset = r.queueOffset() < 0 ? r.queueOffset() : r.queueOffset() + i;
            SendResult own;
            if (!idsMatch) {
                own = new SendResult(null, r.queue(), offset, r.status(), e.uniqueId);
            } else if (ids != null) {
                own = SendResult.ofBatchMember(ids, i, r.queue(), offset, r.status(), e.uniqueId);
            } else {
                own = new SendResult(listed[i], r.queue(), offset, r.status(), e.uniqueId);
            }
            e.result.complete(own);
        }
    }

    /** One message of a batch, encoded, and the future its sender holds. Immutable but for the future. */
    record Entry(int flag, byte[] body, byte[] properties, String uniqueId, CompletableFuture<SendResult> result) {
        Entry(int flag, byte[] body, byte[] properties, String uniqueId) {
            this(flag, body, properties, uniqueId, new CompletableFuture<>());
        }

        int bytes() {
            return MessageCodec.batchEntryBytes(body.length, properties.length);
        }
    }

    /** A batch being filled. Guarded by the accumulator's lock. */
    private static final class Pending {
        final String topic;
        final TopicPublishInfo info;
        final long createdNs = System.nanoTime();
        final long bornTimestampMs = System.currentTimeMillis();
        final List<Entry> entries = new ArrayList<>();
        int bytes;

        Pending(String topic, TopicPublishInfo info) {
            this.topic = topic;
            this.info = info;
        }
    }
}
