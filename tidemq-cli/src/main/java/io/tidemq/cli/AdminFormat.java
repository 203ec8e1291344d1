package io.tidemq.cli;

import io.tidemq.client.admin.BrokerEntry;
import io.tidemq.client.admin.ConsumerGroupView;
import io.tidemq.client.admin.TopicDescription;
import io.tidemq.common.message.MessageConst;
import io.tidemq.common.message.MessageExt;
import io.tidemq.common.protocol.body.GroupDescription;
import io.tidemq.common.protocol.body.QueueLag;
import io.tidemq.common.protocol.body.QueueStats;
import io.tidemq.common.protocol.body.SubscriptionData;
import io.tidemq.common.protocol.body.TopicStats;
import io.tidemq.common.route.Perm;
import io.tidemq.common.route.QueueData;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The human-readable forms of {@code tidemq admin} results (tables), and the JSON views of the results
 * whose Java form does not serialize well. Timestamps print as ISO-8601 UTC. Stateless.
 */
final class AdminFormat {

    private AdminFormat() {
    }

    /** Names (topics, groups), one per line. */
    static String lines(Iterable<String> names) {
        StringBuilder text = new StringBuilder();
        names.forEach(n -> text.append(n).append('\n'));
        return text.toString();
    }

    static String clusters(List<BrokerEntry> brokers, long nowMs) {
        if (brokers.isEmpty()) {
            return "No broker is registered with the NameServers.\n";
        }
        TextTable t = new TextTable("CLUSTER", "BROKER", "ID", "ROLE", "ADDRESS", "LAST REGISTRATION");
        for (BrokerEntry b : brokers) {
            t.row(b.cluster() == null ? "-" : b.cluster(), b.brokerName(), b.brokerId(), b.isMaster() ? "master" : "slave",
                    b.address(), b.lastHeartbeatMs() <= 0 ? "-" : ago(nowMs - b.lastHeartbeatMs()));
        }
        return t.render();
    }

    /** The overview table of GET_CLUSTER_STATS: one row per broker, figures as of its last registration. */
    static String overview(io.tidemq.common.protocol.body.ClusterStats stats) {
        if (stats.brokers().isEmpty()) {
            return "No broker is registered with the NameServers.\n";
        }
        TextTable t = new TextTable("CLUSTER", "BROKER", "ID", "ADDRESS", "ROLE", "VERSION", "IN MSG/S", "OUT MSG/S",
                "DISK USED", "STORE", "DRAINED", "REPORTED");
        for (io.tidemq.common.protocol.body.ClusterStats.Entry e : stats.brokers()) {
            io.tidemq.common.protocol.body.BrokerFigures f = e.figures();
            if (f == null) {
                t.row(e.cluster(), e.brokerName(), e.brokerId(), e.address(), "-", "-", "-", "-", "-", "-", "-",
                        "no figures");
                continue;
            }
            t.row(e.cluster(), e.brokerName(), e.brokerId(), e.address(), f.role(), f.version(),
                    String.format(java.util.Locale.ROOT, "%.1f", f.putMessagesPerSecond()),
                    String.format(java.util.Locale.ROOT, "%.1f", f.getMessagesPerSecond()),
                    String.format(java.util.Locale.ROOT, "%.0f%% of %s", f.diskUsedRatio() * 100,
                            bytes(Math.max(1_024, f.diskTotalBytes()))),
                    f.storeWriteState(), f.drained() ? "yes" : "no", ago(stats.nameServerTimeMs() - f.sampledAtMs()));
        }
        return t.render();
    }

    /**
     * One table per broker: each runtime figure, sorted by name; times, durations and sizes also in a readable
     * form after the raw number (the raw numbers alone stay in --json).
     */
    static String brokerStats(Map<String, Map<String, String>> byBroker) {
        if (byBroker.isEmpty()) {
            return "No broker is registered with the NameServers.\n";
        }
        StringBuilder text = new StringBuilder();
        byBroker.forEach((addr, stats) -> {
            TextTable t = new TextTable("BROKER " + addr, "VALUE");
            new java.util.TreeMap<>(stats).forEach((name, value) -> t.row(name, readable(name, value)));
            text.append(t.render()).append('\n');
        });
        return text.toString();
    }

    /**
     * The replicas of each broker from its runtime figures ({@code ha*} keys): a master's row and one row per
     * slave it knows; a slave asked directly gives its own row (its lag to the master).
     */
    static String replicas(Map<String, Map<String, String>> byBroker) {
        if (byBroker.isEmpty()) {
            return "No broker is registered with the NameServers.\n";
        }
        TextTable t = new TextTable("BROKER", "GROUP", "REPLICA", "ROLE", "EPOCH", "OFFSET", "COMMIT POINT", "IN SYNC",
                "LAG BYTES", "LAG MS");
        byBroker.forEach((addr, info) -> {
            String group = info.getOrDefault("brokerName", "-");
            String role = info.get("haRole");
            if (role == null) {
                t.row(addr, group, info.getOrDefault("brokerId", "-"), "replication off", "-",
                        info.getOrDefault("commitLogMaxOffset", "-"), "-", "-", "-", "-");
                return;
            }
            String epoch = info.getOrDefault("haMasterEpoch", "-");
            String commit = info.getOrDefault("haConfirmOffset", "-");
            if ("SLAVE".equals(role)) {
                t.row(addr, group, info.getOrDefault("haReplicaId", "-"), "slave of " + info.get("haMasterAddress"),
                        epoch, info.getOrDefault("haMaxOffset", "-"), commit, "-", info.getOrDefault("haLagBytes", "-"),
                        sinceContact(info));
                return;
            }
            t.row(addr, group, info.getOrDefault("haReplicaId", "0"), "master", epoch, info.getOrDefault("haMaxOffset", "-"),
                    commit, info.getOrDefault("haInSyncReplicas", "-") + " in sync", 0, 0);
            new java.util.TreeSet<>(slaveIds(info)).forEach(id -> {
                String p = "haReplica." + id + ".";
                t.row("", group, id, "slave", epoch, info.getOrDefault(p + "ackOffset", "-"), "",
                        info.getOrDefault(p + "inSync", "-"), info.getOrDefault(p + "lagBytes", "-"),
                        info.getOrDefault(p + "lagMs", "-"));
            });
        });
        return t.render();
    }

    private static java.util.Set<Integer> slaveIds(Map<String, String> info) {
        java.util.Set<Integer> ids = new java.util.HashSet<>();
        for (String key : info.keySet()) {
            if (key.startsWith("haReplica.") && key.endsWith(".inSync")) {
                ids.add(Integer.parseInt(key.substring("haReplica.".length(), key.length() - ".inSync".length())));
            }
        }
        return ids;
    }

    private static String sinceContact(Map<String, String> info) {
        try {
            long last = Long.parseLong(info.getOrDefault("haLastMasterContactMs", "0"));
            return last <= 0 ? "-" : Long.toString(Math.max(0, System.currentTimeMillis() - last));
        } catch (NumberFormatException e) {
            return "-";
        }
    }

    /** {@code value} followed by its reading for names ending in TimeMs (an instant), Ms or Bytes. */
    static String readable(String name, String value) {
        long n;
        try {
            n = Long.parseLong(value);
        } catch (NumberFormatException e) {
            return value;
        }
        if (name.endsWith("TimeMs") && n > 0) {
            return value + " (" + java.time.Instant.ofEpochMilli(n).truncatedTo(java.time.temporal.ChronoUnit.SECONDS)
                    + ")";
        }
        if (name.endsWith("Ms") && n >= 1_000) {
            return value + " (" + duration(n) + ")";
        }
        if (name.endsWith("Bytes") && n >= 1_024) {
            return value + " (" + bytes(n) + ")";
        }
        return value;
    }

    private static String duration(long ms) {
        long s = ms / 1_000;
        if (s < 120) {
            return String.format(java.util.Locale.ROOT, "%.1f s", ms / 1_000.0);
        }
        if (s < 7_200) {
            return s / 60 + " min " + s % 60 + " s";
        }
        return s / 86_400 > 0 ? s / 86_400 + " d " + (s % 86_400) / 3_600 + " h" : s / 3_600 + " h " + (s % 3_600) / 60 + " min";
    }

    private static String bytes(long n) {
        String[] units = {"KiB", "MiB", "GiB", "TiB", "PiB"};
        double v = n;
        int u = -1;
        while (v >= 1_024 && u < units.length - 1) {
            v /= 1_024;
            u++;
        }
        return String.format(java.util.Locale.ROOT, "%.1f %s", v, units[u]);
    }

    static String topicDescription(TopicDescription d) {
        StringBuilder sb = new StringBuilder();
        sb.append("Topic ").append(d.topic()).append(": ").append(d.route().queueDatas().size())
                .append(" broker(s), ").append(d.storedMessages()).append(" message(s) stored\n\n");
        TextTable route = new TextTable("BROKER", "READ QUEUES", "WRITE QUEUES", "PERM");
        d.route().queueDatas().stream().sorted(Comparator.comparing(QueueData::brokerName)).forEach(q ->
                route.row(q.brokerName(), q.readQueueNums(), q.writeQueueNums(), Perm.toString(q.perm())));
        sb.append(route.render()).append('\n');
        TextTable queues = new TextTable("BROKER", "QUEUE", "MIN OFFSET", "MAX OFFSET", "MESSAGES", "LAST STORED");
        for (TopicStats s : d.stats()) {
            for (QueueStats q : s.queues()) {
                queues.row(s.brokerName(), q.queueId(), q.minOffset(), q.maxOffset(), q.maxOffset() - q.minOffset(),
                        q.lastUpdateTimestampMs() <= 0 ? "-" : Instant.ofEpochMilli(q.lastUpdateTimestampMs()));
            }
        }
        sb.append(queues.render());
        return sb.toString();
    }

    static String group(ConsumerGroupView g) {
        StringBuilder sb = new StringBuilder();
        sb.append("Consumer group ").append(g.group()).append(": ")
                .append(g.messageModel() == null ? "no member connected" : g.messageModel() + ", "
                        + g.members().size() + " member(s)")
                .append(", total lag ").append(g.totalLag()).append('\n');
        for (String m : g.members()) {
            sb.append("  member ").append(m).append('\n');
        }
        Map<String, String> subscriptions = new TreeMap<>();
        for (GroupDescription d : g.brokers()) {
            for (SubscriptionData s : d.subscriptions()) {
                subscriptions.put(s.topic(), s.expression());
            }
        }
        subscriptions.forEach((topic, expr) -> sb.append("  subscribes ").append(topic).append(" (").append(expr).append(")\n"));
        Map<String, List<String>> configs = new TreeMap<>();
        for (GroupDescription d : g.brokers()) {
            configs.computeIfAbsent(d.config() == null ? "none (its consumers' settings apply)" : groupConfig(d.config()),
                    k -> new ArrayList<>()).add(d.brokerName());
        }
        configs.forEach((text, brokers) -> sb.append("  configuration ").append(text)
                .append(configs.size() > 1 ? " on " + String.join(", ", brokers) : "").append('\n'));
        sb.append('\n');
        TextTable t = new TextTable("BROKER", "TOPIC", "QUEUE", "BROKER OFFSET", "CONSUMER OFFSET", "LAG");
        for (GroupDescription d : g.brokers()) {
            for (QueueLag q : d.queues()) {
                t.row(d.brokerName(), q.topic(), q.queueId(), q.brokerOffset(),
                        q.consumerOffset() < 0 ? "-" : q.consumerOffset(), q.lag());
            }
        }
        sb.append(t.size() == 0 ? "No queue: the group subscribes to no topic these brokers host.\n" : t.render());
        return sb.toString();
    }

    /** A group configuration in one line: {@code consumeEnable=true, retryMaxTimes=16, consumeFromWhere=LAST_OFFSET}. */
    static String groupConfig(io.tidemq.common.protocol.body.SubscriptionGroupConfig c) {
        return "consumeEnable=" + c.consumeEnable() + ", retryMaxTimes=" + c.retryMaxTimes() + ", consumeFromWhere="
                + (c.consumeFromWhere() == null ? "consumer's" : c.consumeFromWhere());
    }

    /** The dry-run (or executed) table of a reset: old -> new offset per queue and the messages it covers. */
    static String resetPlan(io.tidemq.client.admin.OffsetResetPlan plan) {
        StringBuilder sb = new StringBuilder();
        sb.append(plan.executed() ? "Reset" : "Dry run: would reset").append(" the offsets of group ").append(plan.group())
                .append(" on topic ").append(plan.topic()).append(" (").append(plan.changedQueues()).append(" of ")
                .append(plan.rows().size()).append(" queue(s) change)\n\n");
        TextTable t = new TextTable("BROKER", "QUEUE", "MIN", "MAX", "OLD OFFSET", "NEW OFFSET", "MESSAGES", "LAG AFTER");
        for (io.tidemq.client.admin.OffsetResetPlan.Row r : plan.rows()) {
            long delta = r.messageDelta();
            t.row(r.brokerName(), r.queueId(), r.minOffset(), r.maxOffset(), r.oldOffset() < 0 ? "-" : r.oldOffset(),
                    r.newOffset(), r.changes() ? (delta > 0 ? "+" + delta : Long.toString(delta)) : "0", r.lagAfter());
        }
        sb.append(t.render());
        sb.append(plan.executed() ? "\nCommitted.\n"
                : "\nNothing was changed. MESSAGES: + consumed again, - skipped. Add --execute to apply.\n");
        return sb.toString();
    }

    static String message(MessageExt m) {
        StringBuilder sb = new StringBuilder();
        sb.append("Message ").append(m.msgId()).append('\n');
        field(sb, "topic", m.topic());
        field(sb, "queue", m.queueId() + " at offset " + m.queueOffset() + " (CommitLog offset " + m.commitLogOffset() + ")");
        field(sb, "tag", orNone(m.tag()));
        field(sb, "keys", orNone(m.property(MessageConst.KEYS)));
        field(sb, "unique id", orNone(m.property(MessageConst.UNIQ_KEY)));
        field(sb, "born", Instant.ofEpochMilli(m.bornTimestampMs()) + " at " + m.bornHost());
        field(sb, "stored", Instant.ofEpochMilli(m.storeTimestampMs()) + " on " + m.storeHost());
        field(sb, "reconsumed", m.reconsumeTimes() + " time(s)");
        Map<String, String> user = new TreeMap<>(m.properties());
        user.keySet().removeIf(MessageConst::isReserved);
        field(sb, "properties", user.isEmpty() ? MessageLines.NONE : user.toString());
        field(sb, "body", m.body().length + " byte(s)");
        sb.append(new String(m.body(), StandardCharsets.UTF_8)).append('\n');
        return sb.toString();
    }

    /** A message for {@code --json}: the record's fields, with the body as UTF-8 text. */
    static Map<String, Object> messageJson(MessageExt m) {
        Map<String, Object> j = new LinkedHashMap<>();
        j.put("msgId", m.msgId());
        j.put("topic", m.topic());
        j.put("queueId", m.queueId());
        j.put("queueOffset", m.queueOffset());
        j.put("commitLogOffset", m.commitLogOffset());
        j.put("bornTimestampMs", m.bornTimestampMs());
        j.put("storeTimestampMs", m.storeTimestampMs());
        j.put("bornHost", m.bornHost());
        j.put("storeHost", m.storeHost());
        j.put("reconsumeTimes", m.reconsumeTimes());
        j.put("properties", new TreeMap<>(m.properties()));
        j.put("body", new String(m.body(), StandardCharsets.UTF_8));
        return j;
    }

    private static void field(StringBuilder sb, String name, String value) {
        sb.append("  ").append(name).append(" ".repeat(Math.max(1, 12 - name.length()))).append(value).append('\n');
    }

    private static String orNone(String s) {
        return s == null || s.isEmpty() ? MessageLines.NONE : s;
    }

    /** A short age: {@code 850 ms ago}, {@code 12 s ago}, {@code 3 min ago}. */
    static String ago(long ms) {
        if (ms < 0) {
            return "just now";
        }
        if (ms < 1_000) {
            return ms + " ms ago";
        }
        if (ms < 120_000) {
            return ms / 1_000 + " s ago";
        }
        return ms / 60_000 + " min ago";
    }
}
