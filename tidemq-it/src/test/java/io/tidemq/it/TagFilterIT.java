package io.tidemq.it;

import io.tidemq.client.consumer.PushConsumer;
import io.tidemq.client.producer.Producer;
import io.tidemq.common.message.Message;
import io.tidemq.it.support.Bodies;
import io.tidemq.it.support.Deliveries;
import io.tidemq.it.support.Standalone;
import io.tidemq.it.support.StandaloneClients;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Tag subscriptions: groups subscribed with {@code A}, {@code A || B} and {@code *} receive exactly the
 * messages whose tag matches, including none of the untagged ones except for {@code *}.
 */
class TagFilterIT {

    private static final String TOPIC = "it-tags";
    private static final int QUEUES = 8;
    /** Tags by seq % 4; "" = no tag. */
    private static final String[] TAGS = {"A", "B", "C", ""};
    private static final int MIXED_MESSAGES = 800;
    /** Then one "A" per queue, so the last message of every queue is one every group wants. */
    private static final int MESSAGES = MIXED_MESSAGES + QUEUES;
    private static final Map<String, Set<String>> GROUPS = Map.of(
            "it-tags-a", Set.of("A"),
            "it-tags-a-or-b", Set.of("A", "B"),
            "it-tags-all", Set.of("A", "B", "C", ""));
    private static final Map<String, String> EXPRESSIONS = Map.of(
            "it-tags-a", "A", "it-tags-a-or-b", "A || B", "it-tags-all", "*");

    @TempDir
    Path tmp;

    private StandaloneClients clients;

    @BeforeEach
    void startServer() {
        Standalone server = Standalone.builder(getClass(), tmp).build().start().createTopic(TOPIC, QUEUES);
        clients = new StandaloneClients(server, tmp.resolve("offsets"));
    }

    @AfterEach
    void stopAll() throws Exception {
        clients.close();
    }

    @Test
    void eachSubscriptionReceivesExactlyTheMessagesItsTagsSelect() {
        Map<String, Deliveries> byGroup = new HashMap<>();
        List<PushConsumer> consumers = new ArrayList<>();
        for (String group : GROUPS.keySet()) {
            // one consume thread: calls for a queue run in offset order, so when the last message of every
            // queue has been consumed, anything a filter wrongly let through has been recorded already
            PushConsumer c = PushConsumer.builder(group, clients.config(group).consumeThreads(1).build()).build();
            Deliveries deliveries = new Deliveries(MESSAGES);
            byGroup.put(group, deliveries);
            consumers.add(clients.start(c, TOPIC, EXPRESSIONS.get(group), deliveries.listener(group, true)));
        }

        Producer producer = clients.producer("it-tags-producer");
        for (int seq = 0; seq < MESSAGES; seq++) {
            Message.Builder m = Message.builder(TOPIC).body(Bodies.of(seq));
            String tag = tagOf(seq);
            if (!tag.isEmpty()) {
                m.tag(tag);
            }
            int queueId = seq % QUEUES;
            producer.send(m.build(), (queues, msg, arg) -> queues.get((Integer) arg), queueId);
        }

        for (String group : GROUPS.keySet()) {
            Set<Integer> expected = expectedSeqs(GROUPS.get(group));
            await(group + " receives its " + expected.size() + " messages").atMost(Duration.ofSeconds(60))
                    .until(() -> byGroup.get(group).seqsOf(group).containsAll(expected));
        }
        for (PushConsumer c : consumers) {
            c.close();
        }
        for (String group : GROUPS.keySet()) {
            Deliveries deliveries = byGroup.get(group);
            assertThat(deliveries.violations()).as("order or content violations in " + group).isEmpty();
            assertThat(deliveries.duplicates()).as("duplicates in " + group).isZero();
            assertThat(deliveries.seqsOf(group)).as("messages received by " + group + " (" + EXPRESSIONS.get(group) + ")")
                    .containsExactlyInAnyOrderElementsOf(expectedSeqs(GROUPS.get(group)));
            assertThat(new HashSet<>(deliveries.tagsOf(group))).as("tags seen by " + group)
                    .isEqualTo(GROUPS.get(group));
        }
    }

    private static String tagOf(int seq) {
        return seq >= MIXED_MESSAGES ? "A" : TAGS[seq % TAGS.length];
    }

    private static Set<Integer> expectedSeqs(Set<String> tags) {
        Set<Integer> out = new HashSet<>();
        for (int seq = 0; seq < MESSAGES; seq++) {
            if (tags.contains(tagOf(seq))) {
                out.add(seq);
            }
        }
        return out;
    }
}
