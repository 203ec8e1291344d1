package io.tidemq.client.fake;

import io.tidemq.common.filter.TagExpression;
import io.tidemq.common.json.Json;
import io.tidemq.common.message.BatchMessageIds;
import io.tidemq.common.message.Message;
import io.tidemq.common.message.MessageCodec;
import io.tidemq.common.message.MessageExt;
import io.tidemq.common.message.MessageId;
import io.tidemq.common.message.MessageProperties;
import io.tidemq.common.message.MessageQueue;
import io.tidemq.common.protocol.RequestCode;
import io.tidemq.common.protocol.ResponseCode;
import io.tidemq.common.protocol.body.ConsumerData;
import io.tidemq.common.protocol.body.ConsumerIdList;
import io.tidemq.common.protocol.body.HeartbeatData;
import io.tidemq.common.protocol.header.Headers;
import io.tidemq.remoting.ChannelEventListener;
import io.tidemq.remoting.RemotingChannel;
import io.tidemq.remoting.SyncRequestProcessor;
import io.tidemq.remoting.netty.NettyRemotingServer;
import io.tidemq.remoting.netty.NettyServerConfig;
import io.tidemq.remoting.protocol.RemotingCommand;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A broker for tests, from in-memory lists: sends, long-polling pulls (with broker-side tag filtering),
 * consumer offsets, min/max offsets, heartbeats with group membership and NOTIFY_CONSUMER_IDS_CHANGED,
 * member lists and unregistration. Failures can be injected into sends. {@code FakeBrokerContractTest} checks
 * its answers against the real broker's: change both together.
 */
public final class FakeBroker implements AutoCloseable {

    private final String name;
    private final NettyRemotingServer server;
    private final ExecutorService workers = Executors.newFixedThreadPool(4);
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
    /** Topic to its queues; each queue list is guarded by itself. */
    private final Map<String, List<List<MessageExt>>> topics = new ConcurrentHashMap<>();
    private static final int LOOPBACK = 0x7F00_0001;
    /** Where the next message "is stored": distinct per message, so message ids are. */
    private final java.util.concurrent.atomic.AtomicLong nextCommitLogOffset = new java.util.concurrent.atomic.AtomicLong();
    private final Map<String, Long> offsets = new ConcurrentHashMap<>();
    /** Group to client id to channel. */
    private final Map<String, Map<String, RemotingChannel>> groups = new ConcurrentHashMap<>();
    /** Long polls waiting per queue key. */
    private final Map<String, ConcurrentLinkedQueue<Waiter>> waiters = new ConcurrentHashMap<>();
    public final AtomicInteger sendRequests = new AtomicInteger();
    /** Batches answered with their ids in the compact form (first id and {@code recordBytes}). */
    public final AtomicInteger compactBatchAnswers = new AtomicInteger();
    public final AtomicInteger heartbeats = new AtomicInteger();
    /** Messages returned by pulls, in total. */
    public final AtomicInteger pulledMessages = new AtomicInteger();
    /**
     * When set, a batch's answer lists every id comma-separated even to a producer that asks for {@code compactIds}:
     * a broker from before the compact form.
     */
    public volatile boolean listsBatchIds;
    /** When set, a batch's compact answer carries this instead of its {@code recordBytes} (a malformed answer). */
    public volatile String batchRecordBytesOverride;
    /** When set, pulls return every message whatever the tag (a tag-hash collision, seen from the client). */
    public volatile boolean ignoreTagFilter;
    private final AtomicInteger failSends = new AtomicInteger();
    private final AtomicInteger flushTimeouts = new AtomicInteger();
    /** How many more pull answers with messages lose their body's last byte; any thread. */
    private final AtomicInteger truncatePulls = new AtomicInteger();
    private final AtomicReference<ResponseCode> failSendsWith = new AtomicReference<>(ResponseCode.SYSTEM_BUSY);

    private record Waiter(Headers.PullMessageRequest header, CompletableFuture<RemotingCommand> result) {
    }

    public FakeBroker(String name) {
        this.name = name;
        this.server = new NettyRemotingServer(NettyServerConfig.builder().bindAddress("127.0.0.1")
                .selectorThreads(1).workerThreads(2).build(), new ChannelEventListener() {
                    @Override
                    public void onClose(String remoteAddress, RemotingChannel channel) {
                        groups.forEach((g, members) -> {
                            if (members.values().removeIf(c -> c.equals(channel))) {
                                notifyMembers(g);
                            }
                        });
                    }
                });
        server.registerProcessor(RequestCode.SEND_MESSAGE, SyncRequestProcessor.of((ch, req) -> send(ch, req, false)), workers);
        server.registerProcessor(RequestCode.SEND_BATCH_MESSAGE, SyncRequestProcessor.of((ch, req) -> send(ch, req, true)), workers);
        server.registerProcessor(RequestCode.PULL_MESSAGE, (ch, req) -> pull(req), workers);
        server.registerProcessor(RequestCode.QUERY_CONSUMER_OFFSET, SyncRequestProcessor.of((ch, req) -> {
            Headers.QueryConsumerOffsetRequest h = req.readHeader(Headers.QueryConsumerOffsetRequest.class);
            Long off = offsets.get(key(h.consumerGroup(), h.topic(), h.queueId()));
            if (off == null) {
                return RemotingCommand.createResponse(ResponseCode.QUERY_NOT_FOUND, "no offset");
            }
            return RemotingCommand.success().writeHeader(new Headers.OffsetResponse(off));
        }), workers);
        server.registerProcessor(RequestCode.UPDATE_CONSUMER_OFFSET, SyncRequestProcessor.of((ch, req) -> {
            Headers.UpdateConsumerOffsetRequest h = req.readHeader(Headers.UpdateConsumerOffsetRequest.class);
            // as the real broker: an offset past the queue's end is kept as the end, and reported
            long kept = Math.min(h.commitOffset(), queueEnd(h.topic(), h.queueId()));
            offsets.put(key(h.consumerGroup(), h.topic(), h.queueId()), kept);
            return RemotingCommand.success().writeHeader(new Headers.OffsetResponse(kept));
        }), workers);
        server.registerProcessor(RequestCode.GET_MIN_OFFSET, SyncRequestProcessor.of((ch, req) ->
                RemotingCommand.success().writeHeader(new Headers.OffsetResponse(0))), workers);
        server.registerProcessor(RequestCode.GET_MAX_OFFSET, SyncRequestProcessor.of((ch, req) -> {
            Headers.QueueRequest h = req.readHeader(Headers.QueueRequest.class);
            return RemotingCommand.success().writeHeader(new Headers.OffsetResponse(queue(h.topic(), h.queueId()).size()));
        }), workers);
        server.registerProcessor(RequestCode.HEART_BEAT, SyncRequestProcessor.of(this::heartbeat), workers);
        server.registerProcessor(RequestCode.GET_CONSUMER_LIST_BY_GROUP, SyncRequestProcessor.of((ch, req) -> {
            String g = req.readHeader(Headers.GroupRequest.class).consumerGroup();
            List<String> ids = new ArrayList<>(new TreeSet<>(groups.getOrDefault(g, Map.of()).keySet()));
            return RemotingCommand.success().setBody(Json.toBytes(new ConsumerIdList(ids)));
        }), workers);
        server.registerProcessor(RequestCode.UNREGISTER_CLIENT, SyncRequestProcessor.of((ch, req) -> {
            String clientId = req.requiredField("clientId");
            String group = req.field("consumerGroup");
            groups.forEach((g, members) -> {
                if ((group == null || group.equals(g)) && members.remove(clientId) != null) {
                    notifyMembers(g);
                }
            });
            return RemotingCommand.success();
        }), workers);
        server.start();
    }

    public String name() {
        return name;
    }

    public String address() {
        return "127.0.0.1:" + server.localPort();
    }

    public void createTopic(String topic, int queueNums) {
        topics.computeIfAbsent(topic, t -> {
            List<List<MessageExt>> qs = new ArrayList<>();
            for (int i = 0; i < queueNums; i++) {
                qs.add(new ArrayList<>());
            }
            return qs;
        });
    }

    /** The next {@code n} sends are answered with {@code code}. */
    public void failNextSends(int n, ResponseCode code) {
        failSendsWith.set(code);
        failSends.set(n);
    }

    /** The next {@code n} pull answers with messages are sent with their body's last byte cut off (malformed). */
    public void truncateNextPulls(int n) {
        truncatePulls.set(n);
    }

    /** The next {@code n} sends are stored but answered FLUSH_DISK_TIMEOUT. */
    public void flushTimeoutNextSends(int n) {
        flushTimeouts.set(n);
    }

    /** Every message stored for {@code topic}, queue by queue. */
    public List<MessageExt> messages(String topic) {
        List<MessageExt> all = new ArrayList<>();
        for (List<MessageExt> q : topics.getOrDefault(topic, List.of())) {
            synchronized (q) {
                all.addAll(q);
            }
        }
        return all;
    }

    public List<MessageExt> messages(String topic, int queueId) {
        List<MessageExt> q = queue(topic, queueId);
        synchronized (q) {
            return new ArrayList<>(q);
        }
    }

    /** Appends messages as if a producer had sent them. */
    public void store(String topic, int queueId, List<Message> msgs) {
        for (Message m : msgs) {
            append(topic, queueId, m.flag(), m.properties(), m.body(), "test:0");
        }
        wakeWaiters(topic, queueId);
    }

    /** The committed offset, or -1. */
    public long committedOffset(String group, MessageQueue mq) {
        return offsets.getOrDefault(key(group, mq.topic(), mq.queueId()), -1L);
    }

    public void commitOffset(String group, MessageQueue mq, long offset) {
        offsets.put(key(group, mq.topic(), mq.queueId()), offset);
    }

    public Set<String> members(String group) {
        return new TreeSet<>(groups.getOrDefault(group, Map.of()).keySet());
    }

    private static String key(String group, String topic, int queueId) {
        return group + "|" + topic + "|" + queueId;
    }

    private List<MessageExt> queue(String topic, int queueId) {
        List<List<MessageExt>> qs = topics.get(topic);
        if (qs == null || queueId >= qs.size()) {
            throw new IllegalArgumentException("no queue " + topic + "#" + queueId + " on " + name);
        }
        return qs.get(queueId);
    }

    private long queueEnd(String topic, int queueId) {
        List<MessageExt> q = queue(topic, queueId);
        synchronized (q) {
            return q.size();
        }
    }

    private MessageExt append(String topic, int queueId, int flag, Map<String, String> props, byte[] body, String born) {
        List<MessageExt> q = queue(topic, queueId);
        synchronized (q) {
            return append(q, topic, queueId, flag, props, body, born, nextCommitLogOffset.getAndAdd(1024));
        }
    }

    /** Called with {@code q}'s lock held. */
    private MessageExt append(List<MessageExt> q, String topic, int queueId, int flag, Map<String, String> props,
                              byte[] body, String born, long commitLogOffset) {
        // a real broker's message id (store host, CommitLog offset): the client derives it from the record
        MessageExt m = new MessageExt(MessageId.encode(LOOPBACK, server.localPort(), commitLogOffset), topic,
                queueId, q.size(), commitLogOffset, System.currentTimeMillis(), System.currentTimeMillis(), born,
                address(), 0, flag, 0, props, body);
        q.add(m);
        return m;
    }

    /**
     * Stores a batch as the real broker does: consecutive queue offsets, and records one after the other in the
     * "CommitLog", each {@link #recordBytes} long; returns the stored messages and the size of each.
     */
    private List<MessageExt> appendBatch(String topic, int queueId, List<Message> batch, String born, long[] sizes) {
        long total = 0;
        for (int i = 0; i < batch.size(); i++) {
            sizes[i] = recordBytes(batch.get(i));
            total += sizes[i];
        }
        List<MessageExt> q = queue(topic, queueId);
        List<MessageExt> stored = new ArrayList<>(batch.size());
        synchronized (q) {
            long at = nextCommitLogOffset.getAndAdd(total);
            for (int i = 0; i < batch.size(); i++) {
                Message m = batch.get(i);
                stored.add(append(q, topic, queueId, m.flag(), m.properties(), m.body(), born, at));
                at += sizes[i];
            }
        }
        return stored;
    }

    /** A record's stored size here: like a real broker's, it grows with the body, so a batch's records differ. */
    private static long recordBytes(Message m) {
        return 100 + m.body().length;
    }

    private RemotingCommand send(RemotingChannel ch, RemotingCommand req, boolean batch) {
        sendRequests.incrementAndGet();
        Headers.SendMessageRequest h = req.readHeader(Headers.SendMessageRequest.class);
        if (failSends.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
            return RemotingCommand.createResponse(failSendsWith.get(), "injected failure on " + name);
        }
        if (!topics.containsKey(h.topic())) {
            return RemotingCommand.createResponse(ResponseCode.TOPIC_NOT_EXIST, "topic " + h.topic() + " not on " + name);
        }
        List<MessageExt> stored;
        String recordBytes = null;
        if (batch) {
            List<Message> messages = MessageCodec.decodeBatch(h.topic(), req.body(), 10_000);
            long[] sizes = new long[messages.size()];
            stored = appendBatch(h.topic(), h.queueId(), messages, ch.remoteAddress(), sizes);
            if (Boolean.TRUE.equals(h.compactIds()) && !listsBatchIds) {
                long[] offsets = stored.stream().mapToLong(MessageExt::commitLogOffset).toArray();
                recordBytes = BatchMessageIds.recordBytes(offsets, offsets[offsets.length - 1] + sizes[sizes.length - 1]);
                if (batchRecordBytesOverride != null) {
                    recordBytes = batchRecordBytesOverride;
                }
                compactBatchAnswers.incrementAndGet();
            }
        } else {
            stored = List.of(append(h.topic(), h.queueId(), h.flag(), MessageProperties.decode(h.properties()),
                    req.body(), ch.remoteAddress()));
        }
        wakeWaiters(h.topic(), h.queueId());
        String ids = recordBytes != null ? stored.get(0).msgId()
                : String.join(",", stored.stream().map(MessageExt::msgId).toList());
        boolean flushTimeout = flushTimeouts.getAndUpdate(n -> Math.max(0, n - 1)) > 0;
        return (flushTimeout ? RemotingCommand.createResponse(ResponseCode.FLUSH_DISK_TIMEOUT, "flush timed out")
                : RemotingCommand.success()).writeHeader(new Headers.SendMessageResponse(ids, h.queueId(),
                stored.get(0).queueOffset(), null, recordBytes));
    }

    private CompletableFuture<RemotingCommand> pull(RemotingCommand req) {
        Headers.PullMessageRequest h = req.readHeader(Headers.PullMessageRequest.class);
        if (h.commitOffset() >= 0) {
            long kept = Math.min(h.commitOffset(), queueEnd(h.topic(), h.queueId()));
            offsets.merge(key(h.consumerGroup(), h.topic(), h.queueId()), kept, Math::max);
        }
        RemotingCommand found = tryPull(h);
        if (found != null || h.suspendTimeoutMs() <= 0) {
            return CompletableFuture.completedFuture(found != null ? found : notFound(h));
        }
        Waiter w = new Waiter(h, new CompletableFuture<>());
        ConcurrentLinkedQueue<Waiter> ws = waiters.computeIfAbsent(h.topic() + "#" + h.queueId(), k -> new ConcurrentLinkedQueue<>());
        ws.add(w);
        timer.schedule(() -> {
            if (ws.remove(w)) {
                w.result().complete(notFound(h));
            }
        }, h.suspendTimeoutMs(), TimeUnit.MILLISECONDS);
        RemotingCommand again = tryPull(h);
        if (again != null && ws.remove(w)) {
            w.result().complete(again);
        }
        return w.result();
    }

    private void wakeWaiters(String topic, int queueId) {
        ConcurrentLinkedQueue<Waiter> ws = waiters.get(topic + "#" + queueId);
        if (ws == null) {
            return;
        }
        for (Waiter w : ws) {
            RemotingCommand r = tryPull(w.header());
            if (r != null && ws.remove(w)) {
                w.result().complete(r);
            }
        }
    }

    private RemotingCommand tryPull(Headers.PullMessageRequest h) {
        List<MessageExt> q = queue(h.topic(), h.queueId());
        List<MessageExt> out = new ArrayList<>();
        long next;
        long max;
        synchronized (q) {
            max = q.size();
            if (h.queueOffset() > max) {
                return RemotingCommand.createResponse(ResponseCode.OFFSET_OUT_OF_RANGE, "offset past the end")
                        .writeHeader(new Headers.PullMessageResponse(max, 0, max));
            }
            long o = h.queueOffset();
            for (; o < max && out.size() < h.maxMsgNums(); o++) {
                MessageExt m = q.get((int) o);
                if (ignoreTagFilter || matches(h.subscription(), m.tag())) {
                    out.add(m);
                }
            }
            next = o;
        }
        if (out.isEmpty()) {
            if (next > h.queueOffset()) {
                // everything in range was filtered out: tell the client to move on
                return RemotingCommand.createResponse(ResponseCode.PULL_RETRY_IMMEDIATELY, null)
                        .writeHeader(new Headers.PullMessageResponse(next, 0, max));
            }
            return null;
        }
        byte[] body = StoredRecordEncoder.encode(out);
        if (truncatePulls.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
            body = java.util.Arrays.copyOf(body, body.length - 1);
        } else {
            pulledMessages.addAndGet(out.size());
        }
        return RemotingCommand.success().writeHeader(new Headers.PullMessageResponse(next, 0, max)).setBody(body);
    }

    /** Exact tags, where a real broker compares tag hashes: a fake never lets a colliding tag through. */
    private static boolean matches(String expression, String tag) {
        return TagExpression.parse(expression).matchesTag(tag);
    }

    private static RemotingCommand notFound(Headers.PullMessageRequest h) {
        return RemotingCommand.createResponse(ResponseCode.PULL_NOT_FOUND, "no new message")
                .writeHeader(new Headers.PullMessageResponse(h.queueOffset(), 0, h.queueOffset()));
    }

    private RemotingCommand heartbeat(RemotingChannel ch, RemotingCommand req) {
        heartbeats.incrementAndGet();
        HeartbeatData data = Json.fromBytes(req.body(), HeartbeatData.class);
        if (data.consumers() != null) {
            for (ConsumerData cd : data.consumers()) {
                Map<String, RemotingChannel> members = groups.computeIfAbsent(cd.group(), g -> new ConcurrentHashMap<>());
                if (members.put(data.clientId(), ch) == null) {
                    notifyMembers(cd.group());
                }
            }
        }
        return RemotingCommand.success();
    }

    private void notifyMembers(String group) {
        for (RemotingChannel c : groups.getOrDefault(group, Map.of()).values()) {
            RemotingCommand n = RemotingCommand.createRequest(RequestCode.NOTIFY_CONSUMER_IDS_CHANGED)
                    .putField("consumerGroup", group);
            server.invokeOneway(c, n);
        }
    }

    @Override
    public void close() {
        // timers first: a long poll completed after the server's event loops stopped would log an error
        timer.shutdownNow();
        workers.shutdownNow();
        server.shutdown();
    }
}
