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
 * Message lookups: {@code GET /api/messages/by-id?id=} and {@code GET /api/messages/by-key?topic=&key=&max=}. A key
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
