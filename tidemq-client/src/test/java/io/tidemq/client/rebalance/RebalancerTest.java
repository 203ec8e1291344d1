package io.tidemq.client.rebalance;

import io.tidemq.common.message.MessageQueue;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import static org.assertj.core.api.Assertions.assertThat;

class RebalancerTest {

    private final Map<String, List<MessageQueue>> queues = new ConcurrentHashMap<>();
    private List<String> members = new ArrayList<>();
    private final Set<MessageQueue> reading = new HashSet<>();
    private final List<String> events = new ArrayList<>();
    private final Set<MessageQueue> failingStarts = new HashSet<>();

    private final Rebalancer.Source source = new Rebalancer.Source() {
        @Override
        public List<MessageQueue> readableQueues(String topic) {
            List<MessageQueue> q = queues.get(topic);
            if (q == null) {
                throw new IllegalStateException("no route for " + topic);
            }
            return q;
        }

        @Override
        public List<String> consumerIds(String group, String topic) {
            return members;
        }
    };

    private final Rebalancer.Listener listener = new Rebalancer.Listener() {
        @Override
        public boolean queueAssigned(MessageQueue mq) {
            if (failingStarts.contains(mq)) {
                return false;
            }
            events.add("+" + mq);
            return reading.add(mq);
        }

        @Override
        public void queueRevoked(MessageQueue mq) {
            events.add("-" + mq);
            reading.remove(mq);
        }
    };

    private static List<MessageQueue> topicQueues(String topic, int n) {
        List<MessageQueue> q = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            q.add(new MessageQueue(topic, "b1", i));
        }
        return q;
    }

    private Rebalancer clustering(String me) {
        return new Rebalancer("g", me, false, new AllocateAverage(), source, listener);
    }

    @Test
    void aMemberJoiningTakesOverPartOfTheQueuesAndTheOtherPartIsRevoked() {
        queues.put("t", topicQueues("t", 4));
        members = List.of("a");
        Rebalancer r = clustering("a");
        r.rebalance(Set.of("t"));
        assertThat(reading).hasSize(4);

        members = List.of("a", "b");
        events.clear();
        r.rebalance(Set.of("t"));
        assertThat(reading).containsExactlyInAnyOrder(new MessageQueue("t", "b1", 0), new MessageQueue("t", "b1", 1));
        assertThat(events).containsExactlyInAnyOrder("-t@b1#2", "-t@b1#3");
        assertThat(r.assignment()).isEqualTo(reading);
    }

    @Test
    void anUnchangedGroupCausesNoStartsOrStops() {
        queues.put("t", topicQueues("t", 4));
        members = List.of("a", "b");
        Rebalancer r = clustering("b");
        r.rebalance(Set.of("t"));
        events.clear();
        r.rebalance(Set.of("t"));
        assertThat(events).isEmpty();
    }

    @Test
    void broadcastingReadsEveryQueueWhateverTheMembers() {
        queues.put("t", topicQueues("t", 3));
        members = List.of("a", "b", "c");
        Rebalancer r = new Rebalancer("g", "a", true, new AllocateAverage(), source, listener);
        r.rebalance(Set.of("t"));
        assertThat(reading).hasSize(3);
    }

    @Test
    void aMemberTheBrokerDoesNotListYetKeepsItsQueues() {
        queues.put("t", topicQueues("t", 2));
        members = List.of("a");
        Rebalancer r = clustering("a");
        r.rebalance(Set.of("t"));
        members = List.of("x");
        r.rebalance(Set.of("t"));
        assertThat(reading).hasSize(2);
    }

    @Test
    void aQueueThatFailedToStartIsRetriedOnTheNextRebalance() {
        queues.put("t", topicQueues("t", 2));
        members = List.of("a");
        MessageQueue q1 = new MessageQueue("t", "b1", 1);
        failingStarts.add(q1);
        Rebalancer r = clustering("a");
        r.rebalance(Set.of("t"));
        assertThat(reading).doesNotContain(q1);
        failingStarts.clear();
        r.rebalance(Set.of("t"));
        assertThat(reading).contains(q1);
    }

    @Test
    void anUnsubscribedTopicsQueuesAreRevokedAndAMissingRouteKeepsTheRest() {
        queues.put("t", topicQueues("t", 2));
        queues.put("u", topicQueues("u", 1));
        members = List.of("a");
        Rebalancer r = clustering("a");
        r.rebalance(Set.of("t", "u"));
        assertThat(reading).hasSize(3);
        queues.remove("t");
        r.rebalance(Set.of("t"));
        assertThat(reading).containsExactlyInAnyOrderElementsOf(topicQueues("t", 2));
        r.revokeAll();
        assertThat(reading).isEmpty();
    }
}
