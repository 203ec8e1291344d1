package io.tidemq.console.api;

import io.javalin.http.Context;
import io.tidemq.client.admin.AdminClient;
import io.tidemq.client.ClientException;
import io.tidemq.client.admin.AdminTarget;
import io.tidemq.client.admin.TopicDescription;
import io.tidemq.common.protocol.body.QueueStats;
import io.tidemq.common.protocol.body.TopicStats;
import io.tidemq.common.route.Perm;
import io.tidemq.common.route.QueueData;
import io.tidemq.common.route.TopicConfig;
import io.tidemq.console.ApiException;

import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.SortedSet;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Topics: {@code GET /api/topics} (a page, sorted and cut on the server), {@code GET /api/topics/{topic}} (route
 * and queues), {@code POST /api/topics} (create or update), {@code DELETE /api/topics/{topic}}.
 *
 * <p>Sorting by name describes only the page's topics. Sorting by another column needs every matching topic's
 * figures: they are read once and kept {@value #SNAPSHOT_TTL_MS} ms, so paging through a sorted list does not
 * read them again. Thread-safe: the snapshot is immutable, swapped atomically.
 */
public final class TopicsApi {

    static final long SNAPSHOT_TTL_MS = 5_000;
    private static final int MAX_PAGE_SIZE = 500;
    private static final int SNAPSHOT_LIMIT = 5_000;

    /**
     * One topic.
     *
     * @param readQueues  read queues over every broker
     * @param writeQueues write queues over every broker
     * @param perm        permissions as RW / R- / -W (of the first broker; "mixed" when brokers differ)
     * @param messages    messages stored (max - min offset of each queue, summed); null when unknown
     * @param lastStoreMs store time of the newest message, epoch millis; null when empty or unknown
     * @param error       why the figures are missing; null when read
     */
    public record TopicRow(String topic, int brokers, int readQueues, int writeQueues, String perm, Long messages,
                           Long lastStoreMs, String error) {
    }

    /** One queue on one broker. */
    public record QueueRow(String broker, int queueId, long minOffset, long maxOffset, long messages, Long lastStoreMs) {
    }

    /** One broker's share of a topic's route. */
    public record RouteRow(String broker, int readQueues, int writeQueues, String perm) {
    }

    public record TopicDetail(String topic, List<RouteRow> route, List<QueueRow> queues, long messages, Boolean order) {
    }

    /** The body of a create/update. */
    public record TopicRequest(String topic, Integer queues, Integer readQueues, Integer writeQueues, String perm,
                               Boolean order) {
    }

    public record Changed(String topic, List<String> brokers) {
    }

    private record Snapshot(boolean system, long atMs, List<TopicRow> rows) {
    }

    private enum Sort { NAME, MESSAGES, QUEUES, LASTSTORE }

    private final AdminClient admin;
    private final Clock clock;
    private final AtomicReference<Snapshot> snapshot = new AtomicReference<>();

    public TopicsApi(AdminClient admin, Clock clock) {
        this.admin = admin;
        this.clock = clock;
    }

    public void list(Context ctx) {
        int page = Params.intParam(ctx, "page", 0, 0, Integer.MAX_VALUE / MAX_PAGE_SIZE);
        int size = Params.intParam(ctx, "size", 50, 1, MAX_PAGE_SIZE);
        boolean system = "true".equals(ctx.queryParam("system"));
        boolean desc = "desc".equalsIgnoreCase(ctx.queryParam("order"));
        String filter = Params.optional(ctx, "filter");
        Sort sort = sort(Params.optional(ctx, "sort"));
        List<String> names = new ArrayList<>();
        for (String t : admin.listTopics(AdminTarget.all(), system)) {
            if (filter == null || t.toLowerCase(Locale.ROOT).contains(filter.toLowerCase(Locale.ROOT))) {
                names.add(t);
            }
        }
        String sortName = sort.name().toLowerCase(Locale.ROOT);
        if (sort == Sort.NAME) {
            if (desc) {
                names.sort(Comparator.reverseOrder());
            }
            Page<String> p = Page.of(names, page, size, sortName, desc);
            List<TopicRow> rows = p.items().stream().map(this::row).toList();
            ctx.json(new Page<>(p.total(), page, size, sortName, desc, rows));
            return;
        }
        if (names.size() > SNAPSHOT_LIMIT) {
            throw ApiException.badRequest(names.size() + " topics match: sorting by " + sortName + " reads every one;"
                    + " narrow them with 'filter' to at most " + SNAPSHOT_LIMIT + ", or sort by name");
        }
        List<TopicRow> rows = new ArrayList<>(rowsOf(names, system));
        Comparator<TopicRow> c = switch (sort) {
            case MESSAGES -> Comparator.comparing(TopicRow::messages, Comparator.nullsFirst(Comparator.naturalOrder()));
            case QUEUES -> Comparator.comparingInt(TopicRow::readQueues);
            case LASTSTORE -> Comparator.comparing(TopicRow::lastStoreMs, Comparator.nullsFirst(Comparator.naturalOrder()));
            case NAME -> throw new IllegalStateException("handled above");
        };
        c = c.thenComparing(TopicRow::topic);
        rows.sort(desc ? c.reversed() : c);
        ctx.json(Page.of(rows, page, size, sortName, desc));
    }

    private static Sort sort(String s) {
        if (s == null) {
            return Sort.NAME;
        }
        try {
            return Sort.valueOf(s.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest("'sort' must be one of name, messages, queues, laststore; was '" + s + "'");
        }
    }

    private List<TopicRow> rowsOf(List<String> names, boolean system) {
        Snapshot s = snapshot.get();
        long now = clock.millis();
        if (s == null || s.system() != system || now - s.atMs() > SNAPSHOT_TTL_MS
                || !s.rows().stream().map(TopicRow::topic).toList().containsAll(names)) {
            s = new Snapshot(system, now, names.stream().map(this::row).toList());
            snapshot.set(s);
        }
        List<TopicRow> out = new ArrayList<>(names.size());
        java.util.Set<String> wanted = new java.util.HashSet<>(names);
        for (TopicRow r : s.rows()) {
            if (wanted.contains(r.topic())) {
                out.add(r);
            }
        }
        return out;
    }

    private TopicRow row(String topic) {
        TopicDescription d;
        try {
            d = admin.describeTopic(topic);
        } catch (ClientException e) {
            return new TopicRow(topic, 0, 0, 0, null, null, null, e.getMessage());
        }
        int read = 0;
        int write = 0;
        String perm = null;
        for (QueueData q : d.route().queueDatas()) {
            read += q.readQueueNums();
            write += q.writeQueueNums();
            String p = Perm.toString(q.perm());
            perm = perm == null || perm.equals(p) ? p : "mixed";
        }
        Long last = null;
        for (TopicStats s : d.stats()) {
            for (QueueStats q : s.queues()) {
                if (q.lastUpdateTimestampMs() > 0) {
                    last = last == null ? q.lastUpdateTimestampMs() : Math.max(last, q.lastUpdateTimestampMs());
                }
            }
        }
        return new TopicRow(topic, d.route().brokerDatas().size(), read, write, perm, d.storedMessages(), last, null);
    }

    public void detail(Context ctx) {
        String topic = ctx.pathParam("topic");
        TopicDescription d = admin.describeTopic(topic);
        List<RouteRow> route = d.route().queueDatas().stream()
                .sorted(Comparator.comparing(QueueData::brokerName))
                .map(q -> new RouteRow(q.brokerName(), q.readQueueNums(), q.writeQueueNums(), Perm.toString(q.perm())))
                .toList();
        List<QueueRow> queues = new ArrayList<>();
        for (TopicStats s : d.stats()) {
            for (QueueStats q : s.queues()) {
                queues.add(new QueueRow(s.brokerName(), q.queueId(), q.minOffset(), q.maxOffset(),
                        q.maxOffset() - q.minOffset(), q.lastUpdateTimestampMs() > 0 ? q.lastUpdateTimestampMs() : null));
            }
        }
        Boolean order = null; // true when any broker marks it ordered; null when none said
        for (TopicStats s : d.stats()) {
            if (s.order() != null) {
                order = (order != null && order) || s.order();
            }
        }
        ctx.json(new TopicDetail(topic, route, queues, d.storedMessages(), order));
    }

    public void create(Context ctx) {
        TopicRequest r = ctx.bodyAsClass(TopicRequest.class);
        if (r.topic() == null || r.topic().isBlank()) {
            throw ApiException.badRequest("give the topic's name in 'topic'");
        }
        int queues = r.queues() == null ? 8 : r.queues();
        int read = r.readQueues() == null ? queues : r.readQueues();
        int write = r.writeQueues() == null ? queues : r.writeQueues();
        TopicConfig config = new TopicConfig(r.topic().trim(), read, write, perm(r.perm()), Boolean.TRUE.equals(r.order()));
        List<String> brokers = admin.updateTopic(config, AdminTarget.all());
        admin.awaitRoute(config.topic(), 10_000);
        snapshot.set(null);
        ctx.status(201).json(new Changed(config.topic(), brokers));
    }

    public void delete(Context ctx) {
        String topic = ctx.pathParam("topic");
        List<String> brokers = admin.deleteTopic(topic, AdminTarget.all());
        snapshot.set(null);
        ctx.json(new Changed(topic, brokers));
    }

    private static int perm(String p) {
        if (p == null || p.isBlank() || p.equals("rw")) {
            return Perm.READ_WRITE;
        }
        return switch (p) {
            case "r" -> Perm.READ;
            case "w" -> Perm.WRITE;
            default -> throw ApiException.badRequest("'perm' must be rw, r or w; was '" + p + "'");
        };
    }
}
