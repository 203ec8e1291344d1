package io.tidemq.cli;

import io.tidemq.client.TopicNotFoundException;
import io.tidemq.client.admin.AdminClient;
import io.tidemq.client.admin.AdminTarget;
import io.tidemq.common.route.TopicConfig;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

/**
 * Creates a missing topic for {@code bench produce} when no broker auto-creates topics (a benchmark should
 * run against a fresh cluster without a separate admin step). The topic goes to every master of the
 * (single) cluster, then this waits until the NameServers route it.
 */
final class TopicCreator {

    private static final long ROUTE_WAIT_MS = 15_000;

    private final ClientOptions client;
    private final PrintWriter err;

    TopicCreator(ClientOptions client, PrintWriter err) {
        this.client = client;
        this.err = err;
    }

    /** The topics of {@code topics} that no NameServer routes. */
    List<String> missing(List<String> topics) {
        List<String> missing = new ArrayList<>();
        try (AdminClient admin = AdminClient.connect(client.namesrv, client.requestTimeoutMs)) {
            for (String topic : topics) {
                try {
                    admin.route(topic);
                } catch (TopicNotFoundException e) {
                    missing.add(topic);
                }
            }
        }
        return missing;
    }

    void create(String topic, int queues) {
        create(List.of(topic), queues);
    }

    /** Creates every topic of {@code topics} first, then waits for each one's route. */
    void create(List<String> topics, int queues) {
        try (AdminClient admin = AdminClient.connect(client.namesrv, client.requestTimeoutMs)) {
            List<String> brokers = List.of();
            for (String topic : topics) {
                brokers = admin.createTopic(TopicConfig.of(topic, queues), AdminTarget.all());
            }
            for (String topic : topics) {
                admin.awaitRoute(topic, ROUTE_WAIT_MS);
            }
            String what = topics.size() == 1 ? "topic '" + topics.get(0) + "' did not exist: created it"
                    : topics.size() + " topics did not exist ('" + topics.get(0) + "' ...): created them";
            err.println(what + " with " + queues + " queues on " + brokers + " (pass --no-create-topic to fail instead)");
            err.flush();
        }
    }
}
