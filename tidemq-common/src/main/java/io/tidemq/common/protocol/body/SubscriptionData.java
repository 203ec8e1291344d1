package io.tidemq.common.protocol.body;

/** One topic a consumer group subscribes to, with its tag expression ({@code *} or {@code A || B}). */
public record SubscriptionData(String topic, String expression) {
}
