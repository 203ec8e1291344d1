package io.tidemq.console.api;

import io.javalin.http.Context;
import io.tidemq.client.admin.AdminClient;
import io.tidemq.client.ClientException;
import io.tidemq.client.admin.BrokerEntry;
import io.tidemq.client.admin.NamesrvStatus;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code GET /api/overview}: the NameServers (each one asked), and every broker with its role, version, disk
 * use, write state and message rates (GET_BROKER_RUNTIME_INFO of each). A broker that does not answer is listed
 * with the reason instead of failing the page. Stateless apart from the rate samples.
 */
public final class OverviewApi {

    /**
     * One broker.
     *
     * @param role            MASTER or SLAVE
     * @param version         the TideMQ version it reports; null when it does not report one
     * @param diskUsedRatio   used / total space of the store's disk, 0 to 1; null when unknown
     * @param inPerSecond     messages stored per second since the previous overview; null on the first look
     * @param outPerSecond    messages delivered per second, likewise
     * @param error           why its figures are missing; null when it answered
     */
    public record BrokerRow(String cluster, String brokerName, long brokerId, String role, String address,
                            long lastHeartbeatMs, String version, Long diskTotalBytes, Long diskUsableBytes,
                            Double diskUsedRatio, String writeState, String writeRefusal, Double inPerSecond,
                            Double outPerSecond, Long putMessageTotal, Long pulledMessageTotal, Long uptimeMs,
                            Long topicCount, String error) {
    }

    /** The overview; {@code generatedAtMs} is when it was read. */
    public record Overview(long generatedAtMs, List<NamesrvStatus> namesrvs, List<BrokerRow> brokers) {
    }

    private final AdminClient admin;
    private final Clock clock;
    private final RateSampler rates = new RateSampler();

    public OverviewApi(AdminClient admin, Clock clock) {
        this.admin = admin;
        this.clock = clock;
    }

    public void get(Context ctx) {
        ctx.json(overview());
    }

    Overview overview() {
        List<NamesrvStatus> namesrvs = admin.namesrvStatus();
        List<BrokerRow> rows = new ArrayList<>();
        boolean anyNamesrv = namesrvs.stream().anyMatch(NamesrvStatus::reachable);
        if (anyNamesrv) {
            for (BrokerEntry b : admin.brokers()) {
                rows.add(row(b));
            }
        }
        return new Overview(clock.millis(), namesrvs, rows);
    }

    private BrokerRow row(BrokerEntry b) {
        String role = b.isMaster() ? "MASTER" : "SLAVE";
        Map<String, String> s;
        try {
            s = admin.brokerRuntimeInfo(b.address());
        } catch (ClientException e) {
            return new BrokerRow(b.cluster(), b.brokerName(), b.brokerId(), role, b.address(), b.lastHeartbeatMs(),
                    null, null, null, null, null, null, null, null, null, null, null, null, e.getMessage());
        }
        long now = clock.millis();
        Long total = number(s, "diskTotalBytes");
        Long usable = number(s, "diskUsableBytes");
        Double used = total == null || usable == null || total <= 0 ? null : (double) (total - usable) / total;
        Long in = number(s, "putMessageTotal");
        Long out = number(s, "pulledMessageTotal");
        RateSampler.Rates r = in == null || out == null ? new RateSampler.Rates(null, null)
                : rates.rate(b.address(), now, in, out);
        return new BrokerRow(b.cluster(), b.brokerName(), b.brokerId(), role, b.address(), b.lastHeartbeatMs(),
                s.get("brokerVersion"), total, usable, used, s.get("storeWriteState"),
                emptyToNull(s.get("storeWriteRefusal")), r.inPerSecond(), r.outPerSecond(), in, out,
                number(s, "uptimeMs"), number(s, "topicCount"), null);
    }

    private static Long number(Map<String, String> s, String key) {
        String v = s.get(key);
        if (v == null) {
            return null;
        }
        try {
            return Long.parseLong(v.trim());
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static String emptyToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }
}
