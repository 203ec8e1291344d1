package io.tidemq.console.api;

import io.javalin.http.Context;
import io.tidemq.client.admin.AdminClient;
import io.tidemq.client.admin.NamesrvStatus;
import io.tidemq.common.protocol.body.BrokerFigures;
import io.tidemq.common.protocol.body.ClusterStats;

import java.util.ArrayList;
import java.util.List;

/**
 * {@code GET /api/overview}: each NameServer (asked on its own, so an unreachable one shows), and every live broker
 * with the figures it reported with its last registration (role, version, disk, write state, messages in and out
 * per second), all from one GET_CLUSTER_STATS call to a NameServer instead of one call per broker. Stateless.
 */
public final class OverviewApi {

    /**
     * One broker.
     *
     * @param role          MASTER or SLAVE
     * @param version       the TideMQ version it runs
     * @param diskUsedRatio used / total space of the store's disk, 0 to 1
     * @param inPerSecond   messages stored per second over the broker's last report interval
     * @param outPerSecond  messages delivered per second, likewise
     * @param reportAgeMs   how old its figures were when the NameServer answered
     * @param error         why its figures are missing (a broker that reports none); null when present
     */
    public record BrokerRow(String cluster, String brokerName, long brokerId, String role, String address,
                            long lastHeartbeatMs, String version, Long diskTotalBytes, Long diskUsableBytes,
                            Double diskUsedRatio, String writeState, String writeRefusal, Boolean drained,
                            Double inPerSecond, Double outPerSecond, Long putMessageTotal, Long pulledMessageTotal,
                            Long uptimeMs, Integer topicCount, Long reportAgeMs, String error) {
    }

    /** The overview; {@code generatedAtMs} is the NameServer's clock when it answered. */
    public record Overview(long generatedAtMs, List<NamesrvStatus> namesrvs, List<BrokerRow> brokers) {
    }

    private final AdminClient admin;

    public OverviewApi(AdminClient admin) {
        this.admin = admin;
    }

    public void get(Context ctx) {
        ctx.json(overview());
    }

    Overview overview() {
        List<NamesrvStatus> namesrvs = admin.namesrvStatus();
        if (namesrvs.stream().noneMatch(NamesrvStatus::reachable)) {
            return new Overview(System.currentTimeMillis(), namesrvs, List.of());
        }
        ClusterStats stats = admin.clusterStats();
        List<BrokerRow> rows = new ArrayList<>();
        for (ClusterStats.Entry e : stats.brokers()) {
            rows.add(row(e, stats.nameServerTimeMs()));
        }
        return new Overview(stats.nameServerTimeMs(), namesrvs, rows);
    }

    static BrokerRow row(ClusterStats.Entry e, long nowMs) {
        BrokerFigures f = e.figures();
        String role = e.brokerId() == 0 ? "MASTER" : "SLAVE";
        if (f == null) {
            return new BrokerRow(e.cluster(), e.brokerName(), e.brokerId(), role, e.address(), e.lastHeartbeatMs(), null,
                    null, null, null, null, null, null, null, null, null, null, null, null, null,
                    "this broker reports no figures with its registration (an older version): see tidemq admin"
                            + " cluster stats --broker " + e.address());
        }
        return new BrokerRow(e.cluster(), e.brokerName(), e.brokerId(), f.role() == null ? role : f.role(), e.address(),
                e.lastHeartbeatMs(), f.version(), f.diskTotalBytes(), f.diskUsableBytes(),
                f.diskTotalBytes() > 0 ? f.diskUsedRatio() : null, f.storeWriteState(), f.storeWriteRefusal(),
                f.drained(), f.putMessagesPerSecond(), f.getMessagesPerSecond(), f.putMessagesTotal(),
                f.getMessagesTotal(), f.startTimeMs() > 0 ? Math.max(0, nowMs - f.startTimeMs()) : null, f.topicCount(),
                Math.max(0, nowMs - f.sampledAtMs()), null);
    }
}
