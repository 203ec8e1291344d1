package io.tidemq.console.api;

import io.javalin.http.Context;
import io.tidemq.client.admin.AdminClient;
import io.tidemq.client.admin.MessageNotFoundException;
import io.tidemq.client.admin.QueueMessages;
import io.tidemq.common.message.MessageExt;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Message lookups: by id, by key, by queue and offset, and by time range. A key
 * search is bounded: each broker returns at most {@code max} matches, and when one of them returned that many the
 * answer says {@code incomplete: true} (more may exist) instead of passing the cut off as everything. Stateless.
 */
public final class MessagesApi {

    /**
     * A bounded search's answer.
     *
     * @param limit      the most matches each broker was asked for
     * @param incomplete true when a broker reached the limit, so more matches may exist
     * @param note       what the bound means, in words
     */
    public record SearchResult(List<MessageView> messages, int limit, boolean incomplete, String note) {
    }

    private final AdminClient admin;

    public MessagesApi(AdminClient admin) {
        this.admin = admin;
    }

    public void byId(Context ctx) {
        ctx.json(MessageView.of(admin.messageById(Params.required(ctx, "id"))));
    }

    public void byKey(Context ctx) {
        String topic = Params.required(ctx, "topic");
        String key = Params.required(ctx, "key");
        int max = Params.intParam(ctx, "max", 32, 1, AdminClient.MAX_MESSAGES_BY_KEY);
        List<MessageExt> found;
        try {
            found = admin.messagesByKey(topic, key, max);
        } catch (MessageNotFoundException e) {
            found = List.of();
        }
        ctx.json(bounded(found, max, "matches"));
    }

    /**
     * {@code GET /api/messages/by-queue?topic=&broker=&queueId=&offset=&max=}: up to {@code max} messages of one queue
     * from {@code offset} on, saying whether the read reached the queue's end and where to continue.
     */
    public void byQueue(Context ctx) {
        String topic = Params.required(ctx, "topic");
        String broker = Params.required(ctx, "broker");
        int queueId = Params.intParam(ctx, "queueId", -1, 0, 65_535);
        if (queueId < 0) {
            throw io.tidemq.console.ApiException.badRequest("give the query parameter 'queueId'");
        }
        long offset = Params.longParam(ctx, "offset");
        int max = Params.intParam(ctx, "max", 32, 1, AdminClient.MAX_MESSAGES_PER_QUEUE);
        QueueMessages q = admin.queueMessages(topic, broker, queueId, offset, max);
        String note = q.complete()
                ? "complete: read from offset " + q.fromOffset() + " to the queue's end (" + q.maxOffset() + ")"
                : "stopped early at the limit: read offsets " + q.fromOffset() + " to " + (q.nextOffset() - 1)
                        + " of a queue ending at " + q.maxOffset() + "; continue from offset " + q.nextOffset();
        ctx.json(new QueueRead(q.brokerName(), q.topic(), q.queueId(), q.fromOffset(), q.nextOffset(), q.minOffset(),
                q.maxOffset(), !q.complete(), note, q.messages().stream().map(MessageView::of).toList()));
    }

    /**
     * {@code GET /api/messages/by-time?topic=&from=&to=&max=}: the messages of every queue of {@code topic} stored in
     * [{@code from}, {@code to}] (epoch millis), found through each ConsumeQueue's time index, at most {@code max} per
     * queue. Each queue says whether it was read to the end of the range; one that stopped early says where to
     * continue, and {@code continueQueue=<broker>:<queueId>:<offset>} reads on from there, that queue only.
     */
    public void byTime(Context ctx) {
        String topic = Params.required(ctx, "topic");
        long from = Params.longParam(ctx, "from");
        long to = Params.longParam(ctx, "to");
        if (to < from) {
            throw io.tidemq.console.ApiException.badRequest("'to' (" + to + ") is before 'from' (" + from
                    + "): give the range's start in 'from' and its end in 'to', in epoch milliseconds");
        }
        int max = Params.intParam(ctx, "max", 32, 1, AdminClient.MAX_MESSAGES_PER_QUEUE);
        String cont = Params.optional(ctx, "continueQueue");
        List<QueueMessages> queues;
        if (cont == null) {
            queues = admin.listMessagesByTime(topic, from, to, max).queues();
        } else {
            String[] p = cont.split(":");
            if (p.length != 3) {
                throw io.tidemq.console.ApiException.badRequest("'continueQueue' must be <broker>:<queueId>:<offset>,"
                        + " as a stopped queue's 'continueQueue' says, was '" + cont + "'");
            }
            int queueId;
            long offset;
            try {
                queueId = Integer.parseInt(p[1]);
                offset = Long.parseLong(p[2]);
            } catch (NumberFormatException e) {
                throw io.tidemq.console.ApiException.badRequest("'continueQueue' must be <broker>:<queueId>:<offset>"
                        + " with whole numbers, was '" + cont + "'");
            }
            if (queueId < 0 || offset < 0) {
                throw io.tidemq.console.ApiException.badRequest("'continueQueue' needs a queue id and offset >= 0,"
                        + " was '" + cont + "'");
            }
            queues = List.of(admin.queueMessagesUntil(topic, p[0], queueId, offset, max, to));
        }
        List<TimeQueue> rows = new java.util.ArrayList<>();
        List<MessageView> found = new java.util.ArrayList<>();
        List<String> stopped = new java.util.ArrayList<>();
        for (QueueMessages q : queues) {
            String next = q.complete() ? null : q.brokerName() + ":" + q.queueId() + ":" + q.nextOffset();
            rows.add(new TimeQueue(q.brokerName(), q.queueId(), q.fromOffset(), q.nextOffset(), q.maxOffset(),
                    q.messages().size(), !q.complete(), next));
            if (!q.complete()) {
                stopped.add(q.brokerName() + "#" + q.queueId() + " from offset " + q.nextOffset());
            }
            q.messages().forEach(m -> found.add(MessageView.of(m)));
        }
        found.sort(java.util.Comparator.comparingLong(MessageView::storeTimestampMs)
                .thenComparing(MessageView::msgId));
        String note = stopped.isEmpty()
                ? "complete: " + (queues.size() == 1 ? "the queue was" : "all " + queues.size() + " queues were")
                        + " read to the end of the range"
                : "stopped early on " + stopped.size() + " of " + queues.size() + " queues at the limit of " + max
                        + " per queue, so more messages in the range exist there; continue " + String.join(", ", stopped);
        ctx.json(new TimeSearch(topic, from, to, max, !stopped.isEmpty(), note, rows, found));
    }

    /**
     * One queue of a time-range search.
     *
     * @param incomplete    true when the read stopped at the limit before the range's end
     * @param continueQueue for a stopped queue, the {@code continueQueue} parameter that reads on; else null
     */
    public record TimeQueue(String broker, int queueId, long fromOffset, long nextOffset, long maxOffset, int found,
                            boolean incomplete, String continueQueue) {
    }

    /** A time-range search: every queue read, and the messages found, oldest first. */
    public record TimeSearch(String topic, long fromMs, long toMs, int limit, boolean incomplete, String note,
                             List<TimeQueue> queues, List<MessageView> messages) {
    }

    /**
     * A bounded read of one queue.
     *
     * @param nextOffset where the next read continues
     * @param incomplete true when the read stopped at the limit before the queue's end
     */
    public record QueueRead(String broker, String topic, int queueId, long fromOffset, long nextOffset, long minOffset,
                            long maxOffset, boolean incomplete, String note, List<MessageView> messages) {
    }

    /** The answer for messages gathered from several brokers, each asked for at most {@code limit}. */
    static SearchResult bounded(List<MessageExt> found, int limit, String what) {
        Map<String, Integer> perBroker = new HashMap<>();
        boolean incomplete = false;
        for (MessageExt m : found) {
            incomplete |= perBroker.merge(String.valueOf(m.storeHost()), 1, Integer::sum) >= limit;
        }
        String note = incomplete
                ? "stopped early: a broker returned the limit of " + limit + " " + what + ", so more may exist"
                : "complete: every broker returned fewer than the limit of " + limit + " " + what;
        return new SearchResult(found.stream().map(MessageView::of).toList(), limit, incomplete, note);
    }
}
