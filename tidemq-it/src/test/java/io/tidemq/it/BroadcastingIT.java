package io.tidemq.it;

import io.tidemq.client.ClientConfig;
import io.tidemq.client.admin.AdminClient;
import io.tidemq.client.admin.AdminTarget;
import io.tidemq.client.consumer.MessageModel;
import io.tidemq.client.consumer.PushConsumer;
import io.tidemq.client.producer.Producer;
import io.tidemq.common.message.Message;
import io.tidemq.common.route.TopicConfig;
import io.tidemq.it.support.AsyncSends;
import io.tidemq.it.support.Bodies;
import io.tidemq.it.support.Deliveries;
import io.tidemq.it.support.ItLogs;
import io.tidemq.it.support.Standalone;
import io.tidemq.it.support.TestClients;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Broadcasting: every member of the group receives every message, each once. */
class BroadcastingIT {

    private static final String TOPIC = "it-broadcast";
    private static final String GROUP = "it-broadcast-group";
    private static final int QUEUES = 8;
    private static final int MESSAGES = 3_000;
    private static final int MEMBERS = 3;

    @TempDir
    Path tmp;

    private Standalone server;
    private final List<AutoCloseable> clients = new ArrayList<>();

    @BeforeEach
    void startServer() {
        server = Standalone.builder("standalone", ItLogs.forClass(getClass()), tmp.resolve("data")).build().start();
        try (AdminClient admin = AdminClient.connect(server.namesrvAddr(), 5_000)) {
            admin.createTopic(TopicConfig.of(TOPIC, QUEUES), AdminTarget.all());
            admin.awaitRoute(TOPIC, 10_000);
        }
    }

    @AfterEach
    void stopAll() throws Exception {
        Collections.reverse(clients);
        for (AutoCloseable c : clients) {
            c.close();
        }
        server.close();
    }

    @Test
    void everyMemberReceivesEveryMessageOnce() throws InterruptedException {
        Deliveries deliveries = new Deliveries(MESSAGES);
        List<PushConsumer> members = new ArrayList<>();
        for (int i = 0; i < MEMBERS; i++) {
            ClientConfig config = TestClients.config(server.namesrvAddr(), "member-" + i, tmp.resolve("offsets")).build();
            PushConsumer c = PushConsumer.builder(GROUP, config).messageModel(MessageModel.BROADCASTING).build();
            c.subscribe(TOPIC, "*");
            c.registerListener(deliveries.listener("member-" + i, false));
            clients.add(c);
            c.start();
            members.add(c);
        }
        await("every broadcasting member reads all 8 queues").atMost(Duration.ofSeconds(30))
                .until(() -> members.stream().allMatch(c -> c.assignment().size() == QUEUES));

        Producer producer = Producer.builder("it-broadcast-producer",
                TestClients.config(server.namesrvAddr(), "producer", tmp.resolve("offsets")).build()).build();
        clients.add(producer);
        producer.start();
        assertThat(AsyncSends.send(producer, MESSAGES, 64, seq -> Message.builder(TOPIC).body(Bodies.of(seq)).build()))
                .as("send failures").isEmpty();

        await("every member received every message").atMost(Duration.ofSeconds(60))
                .until(() -> IntStream.range(0, MEMBERS).allMatch(i -> deliveries.seqsOf("member-" + i).size() == MESSAGES));
        for (PushConsumer c : members) {
            c.close();
        }
        assertThat(deliveries.violations()).isEmpty();
        assertThat(deliveries.total()).as("deliveries: each member got each message exactly once")
                .isEqualTo((long) MESSAGES * MEMBERS);
        for (int seq = 0; seq < MESSAGES; seq++) {
            assertThat(deliveries.count(seq)).as("deliveries of seq " + seq).isEqualTo(MEMBERS);
        }
    }
}
