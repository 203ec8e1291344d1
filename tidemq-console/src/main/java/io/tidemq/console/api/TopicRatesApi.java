package io.tidemq.console.api;

import io.javalin.http.Context;
import io.tidemq.client.TopicNotFoundException;
import io.tidemq.client.admin.AdminClient;
import io.tidemq.client.admin.AdminTarget;
import io.tidemq.common.protocol.body.TopicRates;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * {@code GET /api/topics/{topic}/rates-history}: the topic's messages in and out per second over time, as each master
 * broker measured them (GET_TOPIC_RATES: one sample per broker interval, the broker's last ones). The brokers keep
 * these samples, so the console keeps nothing and asks only when the page is open. Stateless.
 */
public final class TopicRatesApi {

    /** One broker's samples, oldest first. */
    public record BrokerRates(String broker, String address, List<TopicRates.Sample> samples) {
    }

    /** The answer. */
    public record RatesHistory(String topic, long intervalMs, int capacity, List<BrokerRates> brokers) {
    }

    private final AdminClient admin;

    public TopicRatesApi(AdminClient admin) {
        this.admin = admin;
    }

    public void get(Context ctx) {
        String topic = ctx.pathParam("topic");
        Map<String, TopicRates> answers = admin.topicRates(AdminTarget.all(), topic);
        if (answers.isEmpty()) {
            throw new TopicNotFoundException(topic, "any master broker");
        }
        List<BrokerRates> brokers = new ArrayList<>();
        long interval = 0;
        int capacity = 0;
        for (Map.Entry<String, TopicRates> e : answers.entrySet()) {
            TopicRates r = e.getValue();
            interval = Math.max(interval, r.intervalMs());
            capacity = Math.max(capacity, r.capacity());
            brokers.add(new BrokerRates(r.brokerName(), e.getKey(), r.samples() == null ? List.of() : r.samples()));
        }
        brokers.sort(Comparator.comparing(BrokerRates::broker, Comparator.nullsFirst(Comparator.naturalOrder())));
        ctx.json(new RatesHistory(topic, interval, capacity, brokers));
    }
}
