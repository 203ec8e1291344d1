package io.tidemq.client.route;

import io.tidemq.common.message.MessageQueue;
import io.tidemq.common.route.BrokerData;
import io.tidemq.common.route.Perm;
import io.tidemq.common.route.QueueData;
import io.tidemq.common.route.TopicRouteData;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

class TopicPublishInfoTest {

    private final AtomicLong nowMs = new AtomicLong(1_000);
    private final BrokerFaultTracker faults = new BrokerFaultTracker(5_000, nowMs::get);

    static TopicRouteData route(QueueData... qds) {
        List<BrokerData> brokers = new java.util.ArrayList<>();
        for (QueueData qd : qds) {
            brokers.add(new BrokerData("c", qd.brokerName(), Map.of(BrokerData.MASTER_ID, qd.brokerName() + ":10911")));
        }
        return new TopicRouteData(List.of(qds), brokers);
    }

    static TopicPublishInfo twoBrokers() {
        return TopicPublishInfo.from("t", route(new QueueData("b1", 2, 2, Perm.READ_WRITE),
                new QueueData("b2", 2, 2, Perm.READ_WRITE)));
    }

    @Test
    void roundRobinVisitsEveryQueueEvenly() {
        TopicPublishInfo info = twoBrokers();
        Map<MessageQueue, Integer> hits = new HashMap<>();
        for (int i = 0; i < 400; i++) {
            hits.merge(info.selectQueue(faults, null), 1, Integer::sum);
        }
        assertThat(hits).hasSize(4).allSatisfy((mq, n) -> assertThat(n).isEqualTo(100));
    }

    @Test
    void aBrokerWhoseSendFailedIsSkippedForTheAvoidanceTimeThenUsedAgain() {
        TopicPublishInfo info = twoBrokers();
        faults.markFailed("b1");
        for (int i = 0; i < 20; i++) {
            assertThat(info.selectQueue(faults, null).brokerName()).isEqualTo("b2");
        }
        nowMs.addAndGet(5_000);
        Set<String> brokers = new HashSet<>();
        for (int i = 0; i < 4; i++) {
            brokers.add(info.selectQueue(faults, null).brokerName());
        }
        assertThat(brokers).containsExactlyInAnyOrder("b1", "b2");
    }

    @Test
    void aSuccessClearsTheAvoidanceAtOnce() {
        faults.markFailed("b1");
        assertThat(faults.isAvailable("b1")).isFalse();
        faults.markOk("b1");
        assertThat(faults.isAvailable("b1")).isTrue();
    }

    @Test
    void aRetryAvoidsTheBrokerThatJustFailedEvenWhenItIsNotMarked() {
        TopicPublishInfo info = twoBrokers();
        for (int i = 0; i < 20; i++) {
            assertThat(info.selectQueue(faults, "b2").brokerName()).isEqualTo("b1");
        }
    }

    @Test
    void whenEveryBrokerIsAvoidedAQueueIsStillChosen() {
        TopicPublishInfo info = twoBrokers();
        faults.markFailed("b1");
        faults.markFailed("b2");
        assertThat(info.selectQueue(faults, "b1").brokerName()).isEqualTo("b2");
        TopicPublishInfo single = TopicPublishInfo.from("t", route(new QueueData("b1", 1, 1, Perm.READ_WRITE)));
        assertThat(single.selectQueue(faults, "b1")).isEqualTo(new MessageQueue("t", "b1", 0));
    }

    @Test
    void readOnlyBrokersAndBrokersWithoutMasterAreNotWritten() {
        QueueData readOnly = new QueueData("ro", 4, 4, Perm.READ);
        QueueData noMaster = new QueueData("nm", 4, 4, Perm.READ_WRITE);
        TopicRouteData r = new TopicRouteData(List.of(readOnly, noMaster, new QueueData("ok", 4, 2, Perm.READ_WRITE)),
                List.of(new BrokerData("c", "ro", Map.of(0L, "ro:1")), new BrokerData("c", "nm", Map.of(1L, "nm:1")),
                        new BrokerData("c", "ok", Map.of(0L, "ok:1"))));
        assertThat(TopicPublishInfo.from("t", r).writableQueues())
                .containsExactly(new MessageQueue("t", "ok", 0), new MessageQueue("t", "ok", 1));
        assertThat(RouteTable.readableQueues("t", r)).hasSize(12);
    }

    @Test
    void zeroAvoidanceDisablesTheTracker() {
        BrokerFaultTracker off = new BrokerFaultTracker(0, nowMs::get);
        off.markFailed("b1");
        assertThat(off.isAvailable("b1")).isTrue();
    }
}
