package io.tidemq.cli;

import io.tidemq.client.admin.AdminClient;
import io.tidemq.client.admin.AdminTarget;
import io.tidemq.common.route.TopicConfig;

import java.io.PrintWriter;
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

    void create(String topic, int queues) {
        try (AdminClient admin = AdminClient.connect(client.namesrv, client.requestTimeoutMs)) {
            List<String> brokers = admin.createTopic(TopicConfig.of(topic, queues), AdminTarget.all());
            admin.awaitRoute(topic, ROUTE_WAIT_MS);
            err.println("topic '" + topic + "' did not exist: created it with " + queues + " queues on " + brokers
                    + " (pass --no-create-topic to fail instead)");
            err.flush();
        }
    }
}
