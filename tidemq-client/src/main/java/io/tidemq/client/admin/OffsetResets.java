package io.tidemq.client.admin;

import io.tidemq.client.remoting.AdminApi;
import io.tidemq.common.route.BrokerData;
import io.tidemq.common.route.QueueData;
import io.tidemq.common.route.TopicRouteData;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Plans and applies offset resets of one group on one topic, queue by queue, through the brokers' offset
 * requests (GET_MIN_OFFSET, GET_MAX_OFFSET, QUERY_CONSUMER_OFFSET, SEARCH_OFFSET_BY_TIMESTAMP, and
 * UPDATE_CONSUMER_OFFSET with {@code rewind}). Stateless apart from its collaborators; thread-safe.
 */
final class OffsetResets {

    private final AdminApi remoting;
    private final LongSupplier clockMs;

    OffsetResets(AdminApi remoting, LongSupplier clockMs) {
        this.remoting = remoting;
        this.clockMs = clockMs;
    }

    /** The rows of a reset of {@code group} on every queue of {@code route}, nothing written. */
    List<OffsetResetPlan.Row> plan(String group, String topic, TopicRouteData route, OffsetResetSpec spec,
                                   AdminProgress progress) {
        long nowMs = clockMs.getAsLong();
        List<OffsetResetPlan.Row> rows = new ArrayList<>();
        int total = route.queueDatas().stream().mapToInt(q -> Math.max(q.readQueueNums(), q.writeQueueNums())).sum();
        for (QueueData q : route.queueDatas()) {
            BrokerData b = route.brokerDatas().stream().filter(d -> d.brokerName().equals(q.brokerName()))
                    .findFirst().orElse(null);
            if (b == null || b.masterAddr() == null) {
                throw new AdminException("broker group " + q.brokerName() + " of topic " + topic + " has no master"
                        + " online; offsets are kept by the master, so reset them once it is back");
            }
            String addr = b.masterAddr();
            int queues = Math.max(q.readQueueNums(), q.writeQueueNums());
            for (int queueId = 0; queueId < queues; queueId++) {
                long min = remoting.queueOffset("GET_MIN_OFFSET of topic " + topic, addr, topic, queueId, false);
                long max = remoting.queueOffset("GET_MAX_OFFSET of topic " + topic, addr, topic, queueId, true);
                long old = committed(addr, group, topic, queueId);
                boolean keep = spec.kind() == OffsetResetSpec.Kind.FILE
                        && !spec.offsets().containsKey(OffsetResetSpec.queueKey(q.brokerName(), queueId));
                long target = keep ? old : target(spec, addr, topic, q.brokerName(), queueId, min, max, old, nowMs);
                rows.add(new OffsetResetPlan.Row(q.brokerName(), addr, queueId, min, max, old,
                        keep ? old : Math.max(min, Math.min(max, target))));
                progress.step("planning", rows.size(), total, q.brokerName() + ":" + queueId);
            }
        }
        rows.sort(Comparator.comparing(OffsetResetPlan.Row::brokerName).thenComparingInt(OffsetResetPlan.Row::queueId));
        return rows;
    }

    private long target(OffsetResetSpec spec, String addr, String topic, String brokerName, int queueId, long min,
                        long max, long old, long nowMs) {
        return switch (spec.kind()) {
            case EARLIEST -> min;
            case LATEST -> max;
            case OFFSET -> spec.value();
            case TIME -> byTime(addr, topic, queueId, spec.value());
            case DURATION -> byTime(addr, topic, queueId, nowMs - spec.value());
            case SHIFT -> {
                long from = old < 0 ? min : old;
                long shifted = from + spec.value();
                // saturate instead of overflowing on absurd shifts
                yield spec.value() > 0 && shifted < from ? Long.MAX_VALUE : spec.value() < 0 && shifted > from ? 0 : shifted;
            }
            case FILE -> spec.offsets().get(OffsetResetSpec.queueKey(brokerName, queueId));
        };
    }

    /** Commits every changed row (rewinding where the new offset is smaller); returns the rows written. */
    int apply(String group, String topic, List<OffsetResetPlan.Row> rows, AdminProgress progress) {
        int written = 0;
        int total = (int) rows.stream().filter(OffsetResetPlan.Row::changes).count();
        for (OffsetResetPlan.Row r : rows) {
            if (!r.changes()) {
                continue;
            }
            String what = "offset reset of group " + group + " on " + topic + "#" + r.queueId() + " (UPDATE_CONSUMER_OFFSET)";
            remoting.setOffset(what, r.brokerAddr(), group, topic, r.queueId(), r.newOffset());
            written++;
            progress.step("resetting", written, total, r.brokerName() + ":" + r.queueId());
        }
        return written;
    }

    /** Sets the given offsets of {@code group} (cloned from another group): brokerAddr → rows. */
    void commitAll(String group, Map<String, List<QueuePosition>> byBroker) {
        byBroker.forEach((addr, positions) -> {
            for (QueuePosition p : positions) {
                String what = "offset copy to group " + group + " on " + p.topic() + "#" + p.queueId()
                        + " (UPDATE_CONSUMER_OFFSET)";
                remoting.setOffset(what, addr, group, p.topic(), p.queueId(), p.offset());
            }
        });
    }

    /** One committed position. */
    record QueuePosition(String topic, int queueId, long offset) {
    }

    private long byTime(String addr, String topic, int queueId, long epochMs) {
        return remoting.searchOffset("SEARCH_OFFSET_BY_TIMESTAMP of topic " + topic, addr, topic, queueId, epochMs);
    }

    private long committed(String addr, String group, String topic, int queueId) {
        String what = "committed offset of group " + group + " on " + topic + "#" + queueId + " (QUERY_CONSUMER_OFFSET)";
        return remoting.committedOffset(what, addr, group, topic, queueId);
    }
}
