package io.tidemq.console.api;

import io.javalin.http.Context;
import io.tidemq.client.admin.AdminClient;
import io.tidemq.client.ClientException;
import io.tidemq.client.admin.AdminTarget;
import io.tidemq.client.admin.ConsumerGroupView;
import io.tidemq.common.protocol.body.GroupDescription;
import io.tidemq.common.protocol.body.QueueLag;
import io.tidemq.common.protocol.body.SubscriptionData;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;

/**
 * Consumer groups: {@code GET /api/groups} (a page of groups with their lag) and {@code GET /api/groups/{group}}
 * (members, subscriptions, lag per queue). The lag of a queue comes from the broker's one answer for that queue
 * (its max offset and the group's committed offset together), is never negative, and is {@code null} with a reason
 * when it is unknown: the group never committed on the queue, or the committed offset is past the queue's end.
 * Unknown queues are never counted as 0. Stateless.
 */
public final class GroupsApi {

    private static final int MAX_PAGE_SIZE = 200;
    static final String NEVER_COMMITTED = "the group never committed on this queue: where it starts depends on its"
            + " consume-from setting";
    static final String PAST_END = "the committed offset is past the queue's end";

    /**
     * One queue's lag.
     *
     * @param consumerOffset the committed offset; null when never committed
     * @param lag            messages not consumed yet, never negative; null when unknown
     * @param lagSeconds     age of the oldest unconsumed message, computed on the broker from the same snapshot as
     *                       {@code lag}; 0 when caught up; null when unknown (never shown as 0 or -1)
     * @param unknownReason  why {@code lag} is unknown; null when known
     * @param consumeRate    messages/s the committed offset advanced recently (console samples); null when unknown
     * @param drainSeconds   lag / consumeRate; 0 when caught up; null when unknown (no rate, or a rate of 0 while
     *                       lagging), never 0 or negative then
     */
    public record QueueLagRow(String broker, String topic, int queueId, long brokerOffset, Long consumerOffset,
                              Long lag, Double lagSeconds, String unknownReason, Double consumeRate,
                              Double drainSeconds) {

        QueueLagRow withRate(Double rate) {
            return new QueueLagRow(broker, topic, queueId, brokerOffset, consumerOffset, lag, lagSeconds,
                    unknownReason, rate, LagSampler.queueDrain(this, rate));
        }
    }

    /**
     * A group.
     *
     * @param lag           the known lags summed
     * @param unknownQueues queues whose lag is unknown (not counted in {@code lag})
     * @param consumeRate   messages/s the group's committed offsets advanced recently; null when unknown
     * @param drainSeconds  time to consume the known lag at that rate; 0 when caught up; null when unknown
     * @param drainUnknownReason why {@code drainSeconds} is unknown
     */
    public record GroupDetail(String group, String messageModel, List<String> members, List<String> subscriptions,
                              long lag, int unknownQueues, List<QueueLagRow> queues, Double consumeRate,
                              Double drainSeconds, String drainUnknownReason) {
    }

    /** A row of the list; {@code error} says why the figures are missing. */
    public record GroupRow(String group, String messageModel, int members, Long lag, Integer unknownQueues,
                           Double consumeRate, Double drainSeconds, String drainUnknownReason, String error) {
    }

    private final AdminClient admin;
    private final LagSampler sampler;

    public GroupsApi(AdminClient admin, long sampleIntervalMs) {
        this.admin = admin;
        this.sampler = new LagSampler(sampleIntervalMs, () -> List.copyOf(admin.listGroups(AdminTarget.all())),
                this::brokerDetail);
    }

    /** The lag samples behind the chart and the drain times. */
    public LagSampler sampler() {
        return sampler;
    }

    /** {@code GET /api/groups/{group}/lag-history}: the group's lag samples, oldest first. */
    public void lagHistory(Context ctx) {
        ctx.json(sampler.history(ctx.pathParam("group")));
    }

    public void list(Context ctx) {
        int page = Params.intParam(ctx, "page", 0, 0, Integer.MAX_VALUE / MAX_PAGE_SIZE);
        int size = Params.intParam(ctx, "size", 50, 1, MAX_PAGE_SIZE);
        boolean desc = "desc".equalsIgnoreCase(ctx.queryParam("order"));
        String filter = Params.optional(ctx, "filter");
        List<String> names = new ArrayList<>();
        for (String g : admin.listGroups(AdminTarget.all())) {
            if (filter == null || g.toLowerCase(Locale.ROOT).contains(filter.toLowerCase(Locale.ROOT))) {
                names.add(g);
            }
        }
        if (desc) {
            names.sort(Comparator.reverseOrder());
        }
        Page<String> p = Page.of(names, page, size, "name", desc);
        List<GroupRow> rows = new ArrayList<>();
        for (String g : p.items()) {
            try {
                GroupDetail d = detail(g);
                rows.add(new GroupRow(g, d.messageModel(), d.members().size(), d.lag(), d.unknownQueues(),
                        d.consumeRate(), d.drainSeconds(), d.drainUnknownReason(), null));
            } catch (ClientException e) {
                rows.add(new GroupRow(g, null, 0, null, null, null, null, null, e.getMessage()));
            }
        }
        ctx.json(new Page<>(p.total(), page, size, "name", desc, rows));
    }

    public void get(Context ctx) {
        ctx.json(detail(ctx.pathParam("group")));
    }

    /** The brokers' figures with the drain times of the sampled consume rates. */
    GroupDetail detail(String group) {
        GroupDetail d = brokerDetail(group);
        LagSampler.Drain drain = sampler.drain(group, d);
        List<QueueLagRow> queues = new ArrayList<>(d.queues().size());
        for (QueueLagRow q : d.queues()) {
            queues.add(q.withRate(drain.queueRates().get(LagSampler.key(q))));
        }
        return new GroupDetail(group, d.messageModel(), d.members(), d.subscriptions(), d.lag(), d.unknownQueues(),
                queues, drain.rate(), drain.seconds(), drain.unknownReason());
    }

    /** The brokers' figures only (no rates). */
    GroupDetail brokerDetail(String group) {
        ConsumerGroupView view = admin.describeGroup(group, AdminTarget.all());
        List<QueueLagRow> queues = new ArrayList<>();
        TreeSet<String> subscriptions = new TreeSet<>();
        long lag = 0;
        int unknown = 0;
        for (GroupDescription d : view.brokers()) {
            for (SubscriptionData s : d.subscriptions()) {
                subscriptions.add(s.topic() + " (" + s.expression() + ")");
            }
            for (QueueLag q : d.queues()) {
                QueueLagRow row = row(d.brokerName(), q);
                queues.add(row);
                if (row.lag() == null) {
                    unknown++;
                } else {
                    lag += row.lag();
                }
            }
        }
        queues.sort(Comparator.comparing(QueueLagRow::topic).thenComparing(QueueLagRow::broker)
                .thenComparingInt(QueueLagRow::queueId));
        return new GroupDetail(group, view.messageModel(), view.members(), List.copyOf(subscriptions), lag, unknown,
                queues, null, null, null);
    }

    static QueueLagRow row(String broker, QueueLag q) {
        if (q.consumerOffset() < 0) {
            return new QueueLagRow(broker, q.topic(), q.queueId(), q.brokerOffset(), null, null, null, NEVER_COMMITTED, null, null);
        }
        if (q.lag() < 0 || q.consumerOffset() > q.brokerOffset()) {
            return new QueueLagRow(broker, q.topic(), q.queueId(), q.brokerOffset(), q.consumerOffset(), null, null, PAST_END, null, null);
        }
        return new QueueLagRow(broker, q.topic(), q.queueId(), q.brokerOffset(), q.consumerOffset(), q.lag(),
                q.lagMs() == null ? null : q.lagMs() / 1_000.0, null, null, null);
    }
}
