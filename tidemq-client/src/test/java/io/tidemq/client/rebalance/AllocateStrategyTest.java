package io.tidemq.client.rebalance;

import io.tidemq.common.message.MessageQueue;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

class AllocateStrategyTest {

    static Stream<AllocateStrategy> strategies() {
        return Stream.of(new AllocateAverage(), new AllocateRoundRobin(), new AllocateConsistentHash());
    }

    static List<MessageQueue> queues(int perBroker, String... brokers) {
        List<MessageQueue> all = new ArrayList<>();
        for (String b : brokers) {
            for (int i = 0; i < perBroker; i++) {
                all.add(new MessageQueue("t", b, i));
            }
        }
        all.sort(null);
        return all;
    }

    static List<String> clients(int n) {
        return IntStream.range(0, n).mapToObj(i -> "10.0.0." + i + "@1@c").sorted().toList();
    }

    static Map<MessageQueue, String> allocateAll(AllocateStrategy s, List<MessageQueue> all, List<String> ids) {
        Map<MessageQueue, String> owner = new HashMap<>();
        for (String id : ids) {
            for (MessageQueue mq : s.allocate("g", id, all, ids)) {
                assertThat(owner.put(mq, id)).as("%s assigned twice by %s", mq, s.name()).isNull();
            }
        }
        return owner;
    }

    @ParameterizedTest
    @MethodSource("strategies")
    void everyQueueGoesToExactlyOneClient(AllocateStrategy s) {
        for (int clients = 1; clients <= 9; clients++) {
            List<MessageQueue> all = queues(4, "b1", "b2");
            Map<MessageQueue, String> owner = allocateAll(s, all, clients(clients));
            assertThat(owner.keySet()).containsExactlyInAnyOrderElementsOf(all);
        }
    }

    @ParameterizedTest
    @MethodSource("strategies")
    void aClientThatIsNotAMemberGetsNothing(AllocateStrategy s) {
        assertThat(s.allocate("g", "stranger", queues(4, "b1"), clients(2))).isEmpty();
    }

    @ParameterizedTest
    @MethodSource("strategies")
    void noQueuesMeansNothingToAllocate(AllocateStrategy s) {
        assertThat(s.allocate("g", clients(2).get(0), List.of(), clients(2))).isEmpty();
    }

    @Test
    void averageAndRoundRobinAreBalancedWithinOneQueue() {
        for (AllocateStrategy s : List.of(new AllocateAverage(), new AllocateRoundRobin())) {
            for (int n = 1; n <= 10; n++) {
                List<MessageQueue> all = queues(7, "b1");
                List<String> ids = clients(n);
                int min = Integer.MAX_VALUE;
                int max = 0;
                for (String id : ids) {
                    int size = s.allocate("g", id, all, ids).size();
                    min = Math.min(min, size);
                    max = Math.max(max, size);
                }
                assertThat(max - min).as("%s with %d clients", s.name(), n).isLessThanOrEqualTo(1);
            }
        }
    }

    @Test
    void averageGivesContiguousBlocksWithTheRemainderToTheFirstClients() {
        List<MessageQueue> all = queues(8, "b1");
        List<String> ids = clients(3);
        AllocateAverage s = new AllocateAverage();
        assertThat(s.allocate("g", ids.get(0), all, ids)).containsExactlyElementsOf(all.subList(0, 3));
        assertThat(s.allocate("g", ids.get(1), all, ids)).containsExactlyElementsOf(all.subList(3, 6));
        assertThat(s.allocate("g", ids.get(2), all, ids)).containsExactlyElementsOf(all.subList(6, 8));
    }

    @Test
    void roundRobinDealsQueuesInTurn() {
        List<MessageQueue> all = queues(5, "b1");
        List<String> ids = clients(2);
        AllocateRoundRobin s = new AllocateRoundRobin();
        assertThat(s.allocate("g", ids.get(0), all, ids)).containsExactly(all.get(0), all.get(2), all.get(4));
        assertThat(s.allocate("g", ids.get(1), all, ids)).containsExactly(all.get(1), all.get(3));
    }

    @Test
    void consistentHashMovesOnlyTheLeavingClientsQueues() {
        AllocateConsistentHash s = new AllocateConsistentHash();
        List<MessageQueue> all = queues(16, "b1", "b2", "b3");
        List<String> before = clients(4);
        Map<MessageQueue, String> ownerBefore = allocateAll(s, all, before);
        String leaving = before.get(2);
        List<String> after = before.stream().filter(id -> !id.equals(leaving)).toList();
        Map<MessageQueue, String> ownerAfter = allocateAll(s, all, after);
        assertThat(ownerAfter.keySet()).containsExactlyInAnyOrderElementsOf(all);
        ownerBefore.forEach((mq, id) -> {
            if (!id.equals(leaving)) {
                assertThat(ownerAfter.get(mq)).as("owner of %s", mq).isEqualTo(id);
            }
        });
    }

    @Test
    void consistentHashSpreadsQueuesOverEveryClient() {
        AllocateConsistentHash s = new AllocateConsistentHash();
        List<MessageQueue> all = queues(32, "b1", "b2");
        List<String> ids = clients(4);
        for (String id : ids) {
            assertThat(s.allocate("g", id, all, ids)).as("queues of %s", id).hasSizeGreaterThan(4);
        }
    }

    @Test
    void strategiesAreFoundByName() {
        assertThat(AllocateStrategy.byName("average")).isInstanceOf(AllocateAverage.class);
        assertThat(AllocateStrategy.byName("round-robin")).isInstanceOf(AllocateRoundRobin.class);
        assertThat(AllocateStrategy.byName("consistent-hash")).isInstanceOf(AllocateConsistentHash.class);
    }
}
