package io.tidemq.it;

import io.tidemq.client.consumer.MessageModel;
import io.tidemq.client.consumer.PushConsumer;
import io.tidemq.client.producer.Producer;
import io.tidemq.common.message.Message;
import io.tidemq.it.support.AsyncSends;
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
    void everyMemberReceivesEveryMessageOnce() throws InterruptedException {
        Deliveries deliveries = new Deliveries(MESSAGES);
        List<PushConsumer> members = new ArrayList<>();
        for (int i = 0; i < MEMBERS; i++) {
            PushConsumer c = PushConsumer.builder(GROUP, clients.config("member-" + i).build())
                    .messageModel(MessageModel.BROADCASTING).build();
            members.add(clients.start(c, TOPIC, "*", deliveries.listener("member-" + i, false)));
        }
        await("every broadcasting member reads all 8 queues").atMost(Duration.ofSeconds(30))
                .until(() -> members.stream().allMatch(c -> c.assignment().size() == QUEUES));

        Producer producer = clients.producer("it-broadcast-producer");
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
