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
import io.tidemq.common.route.BrokerData;
import io.tidemq.common.route.Perm;
import io.tidemq.common.route.QueueData;
import io.tidemq.common.route.TopicRouteData;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class AdminFormatTest {

    @Test
    void tablesAlignColumnsToTheWidestCellAndTrimTrailingSpace() {
        String t = new TextTable("A", "LONG HEADER", "C").row("xxxx", 1, "").row("y", 22, "z").render();

        assertThat(t).isEqualTo(
                "A     LONG HEADER  C\n"
                + "xxxx  1\n"
                + "y     22           z\n");
    }

    @Test
    void replicasShowTheMasterAndEverySlaveWithRoleEpochOffsetsAndLag() {
        Map<String, String> master = new java.util.HashMap<>(Map.of("brokerName", "broker-a", "haRole", "MASTER",
                "haReplicaId", "0", "haMasterEpoch", "3", "haMaxOffset", "5000", "haConfirmOffset", "4000",
                "haInSyncReplicas", "2"));
        master.putAll(Map.of("haReplica.1.inSync", "true", "haReplica.1.ackOffset", "4000", "haReplica.1.lagBytes",
                "1000", "haReplica.1.lagMs", "12", "haReplica.2.inSync", "false", "haReplica.2.ackOffset", "100",
                "haReplica.2.lagBytes", "4900", "haReplica.2.lagMs", "30000"));
        String s = AdminFormat.replicas(new java.util.TreeMap<>(Map.of("127.0.0.1:10911", master,
                "127.0.0.1:10913", Map.of("brokerName", "broker-a", "haRole", "SLAVE", "haReplicaId", "1",
                        "haMasterAddress", "127.0.0.1:10912", "haMasterEpoch", "3", "haMaxOffset", "4000",
                        "haConfirmOffset", "4000", "haLagBytes", "1000"))));

        assertThat(s.lines().toList()).hasSize(5);
        assertThat(s).contains("REPLICA", "LAG BYTES", "LAG MS");
        assertThat(s.lines().filter(l -> l.contains("master")).findFirst().orElseThrow())
                .contains("broker-a", "3", "5000", "4000", "2 in sync");
        assertThat(s.lines().filter(l -> l.contains("30000")).findFirst().orElseThrow())
                .contains("slave", "false", "100", "4900");
        assertThat(s).contains("slave of 127.0.0.1:10912");
    }

    @Test
    void nameListsPrintOneNamePerLineAndNothingWhenEmpty() {
        assertThat(AdminFormat.lines(List.of("orders", "payments"))).isEqualTo("orders\npayments\n");
        assertThat(AdminFormat.lines(List.of())).isEmpty();
    }

    @Test
    void clusterListShowsRoleAndRegistrationAge() {
        String s = AdminFormat.clusters(List.of(
                new BrokerEntry("c1", "broker-a", 0, "10.0.0.5:10911", 95_000),
                new BrokerEntry("c1", "broker-a", 1, "10.0.0.6:10911", 0)), 100_000);

        assertThat(s).isEqualTo(
                "CLUSTER  BROKER    ID  ROLE    ADDRESS         LAST REGISTRATION\n"
                + "c1       broker-a  0   master  10.0.0.5:10911  5 s ago\n"
                + "c1       broker-a  1   slave   10.0.0.6:10911  -\n");
        assertThat(AdminFormat.clusters(List.of(), 0)).contains("No broker is registered");
    }

    @Test
    void topicDescriptionShowsRouteAndEveryQueuesOffsets() {
        TopicDescription d = new TopicDescription("orders",
                new TopicRouteData(List.of(new QueueData("broker-a", 2, 2, Perm.READ_WRITE)),
                        List.of(new BrokerData("c1", "broker-a", Map.of(0L, "10.0.0.5:10911")))),
                List.of(new TopicStats("orders", "broker-a",
                        List.of(new QueueStats(0, 1, 5, 1_700_000_000_000L), new QueueStats(1, 0, 0, 0)))));

        String s = AdminFormat.topicDescription(d);

        assertThat(s).startsWith("Topic orders: 1 broker(s), 4 message(s) stored\n");
        assertThat(s).contains("broker-a  2            2             RW\n");
        assertThat(s).contains("broker-a  0      1           5           4         2023-11-14T22:13:20Z\n");
        assertThat(s).contains("broker-a  1      0           0           0         -\n");
    }

    @Test
    void groupDescriptionShowsLagPerQueueAndADashForNeverCommitted() {
        ConsumerGroupView g = new ConsumerGroupView("g", List.of(new GroupDescription("g", "broker-a", "CLUSTERING",
                List.of("10.0.0.7@1@DEFAULT"), Set.of(new SubscriptionData("orders", "*")),
                List.of(new QueueLag("orders", 0, 10, 4, 6), new QueueLag("orders", 1, 3, -1, 3)), 9, null)));

        String s = AdminFormat.group(g);

        assertThat(s).startsWith("Consumer group g: CLUSTERING, 1 member(s), total lag 9\n");
        assertThat(s).contains("  member 10.0.0.7@1@DEFAULT\n").contains("  subscribes orders (*)\n");
        assertThat(s).contains("BROKER    TOPIC   QUEUE  BROKER OFFSET  CONSUMER OFFSET  LAG\n"
                + "broker-a  orders  0      10             4                6\n"
                + "broker-a  orders  1      3              -                3\n");
    }

    private static MessageExt message(String body) {
        return new MessageExt("0A00000500002A9F0000000000001F40", "orders", 1, 7, 8000, 1_700_000_000_000L,
                1_700_000_000_123L, "10.0.0.9:5000", "10.0.0.5:10911", 0, 0, 0,
                Map.of(MessageConst.TAGS, "created", MessageConst.KEYS, "order-42", "color", "blue"), body.getBytes());
    }

    @Test
    void messageDetailsNameEveryFieldAndOnlyUserProperties() {
        String s = AdminFormat.message(message("hello"));

        assertThat(s).startsWith("Message 0A00000500002A9F0000000000001F40\n")
                .contains("  tag         created\n")
                .contains("  keys        order-42\n")
                .contains("  queue       1 at offset 7 (CommitLog offset 8000)\n")
                .contains("  stored      2023-11-14T22:13:20.123Z on 10.0.0.5:10911\n")
                .contains("  properties  {color=blue}\n")
                .endsWith("  body        5 byte(s)\nhello\n");
        assertThat(AdminFormat.messageJson(message("hello"))).containsEntry("body", "hello").containsEntry("queueOffset", 7L);
    }

    @Test
    void consumedMessagesPrintAsOneTabSeparatedLineWithEscapedBody() {
        assertThat(MessageLines.format(message("a\tb\nc\\d")))
                .isEqualTo("0A00000500002A9F0000000000001F40\torder-42\tcreated\ta\\tb\\nc\\\\d");
        MessageExt bare = new MessageExt("ID", "t", 0, 0, 0, 0, 0, "", "", 0, 0, 0, Map.of(), "x".getBytes());
        assertThat(MessageLines.format(bare)).isEqualTo("ID\t-\t-\tx");
    }

    @Test
    void agesReadNaturally() {
        assertThat(AdminFormat.ago(850)).isEqualTo("850 ms ago");
        assertThat(AdminFormat.ago(12_000)).isEqualTo("12 s ago");
        assertThat(AdminFormat.ago(600_000)).isEqualTo("10 min ago");
    }

    @Test
    void brokerStatsShowTimesDurationsAndSizesReadably() {
        String text = AdminFormat.brokerStats(Map.of("127.0.0.1:10911", Map.of(
                "startTimeMs", "1796319881786", "uptimeMs", "28299", "storeAppendedBytes", "7361807",
                "diskTotalBytes", "1099511627776", "timerScheduled", "2", "longUptimeMs", "90061000")));

        assertThat(text).contains("1796319881786 (2026-12-03T")
                .contains("28299 (28.3 s)")
                .contains("7361807 (7.0 MiB)")
                .contains("1099511627776 (1.0 TiB)")
                .contains("90061000 (1 d 1 h)")
                .containsPattern("timerScheduled\\s+2\\s*\\n");
    }
}
