package io.tidemq.it.support;

import io.tidemq.client.admin.AdminClient;
import io.tidemq.client.admin.AdminTarget;
import io.tidemq.common.route.TopicConfig;

import java.time.Duration;

import static org.awaitility.Awaitility.await;

/** The admin steps tests take against any NameServer: each opens its own short-lived {@link AdminClient}. */
public final class Admins {

    private static final long CONNECT_TIMEOUT_MS = 5_000;
    private static final long ROUTE_TIMEOUT_MS = 10_000;

    private Admins() {
    }

    /** Creates {@code topic} on every broker and waits until the NameServer routes it. */
    public static void createTopic(String namesrvAddr, String topic, int queues) {
        try (AdminClient admin = AdminClient.connect(namesrvAddr, CONNECT_TIMEOUT_MS)) {
            admin.createTopic(TopicConfig.of(topic, queues), AdminTarget.all());
            admin.awaitRoute(topic, ROUTE_TIMEOUT_MS);
        }
    }

    /** Waits until {@code group}'s committed offsets reach the end of every queue (total lag 0). */
    public static void awaitNoLag(String namesrvAddr, String group, Duration timeout) {
        try (AdminClient admin = AdminClient.connect(namesrvAddr, CONNECT_TIMEOUT_MS)) {
            await(group + " committed everything").atMost(timeout)
                    .until(() -> admin.describeGroup(group, AdminTarget.all()).totalLag() == 0);
        }
    }
}
