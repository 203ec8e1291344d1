package io.tidemq.it.support;

import io.tidemq.client.ClientConfig;
import io.tidemq.client.consumer.MessageListenerConcurrently;
import io.tidemq.client.consumer.MessageListenerOrderly;
import io.tidemq.client.consumer.PushConsumer;
import io.tidemq.client.producer.Producer;

import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * The clients a test opens against one {@link Standalone}: configured with {@link TestClients}, started here,
 * and when the test ends closed newest first, then the server. Used from the test thread only.
 */
public final class StandaloneClients implements AutoCloseable {

    private final Standalone server;
    private final Path offsetDir;
    /** Newest first; test thread only. */
    private final Deque<AutoCloseable> open = new ArrayDeque<>();

    /** @param offsetDir where broadcasting consumers keep their offsets */
    public StandaloneClients(Standalone server, Path offsetDir) {
        this.server = server;
        this.offsetDir = offsetDir;
    }

    public Standalone server() {
        return server;
    }

    /** {@link TestClients#config} for this server; {@code instanceName} distinct per member of a group. */
    public ClientConfig.Builder config(String instanceName) {
        return TestClients.config(server.namesrvAddr(), instanceName, offsetDir);
    }

    /** Closes {@code closeable} with the clients, before everything tracked earlier. */
    public <T extends AutoCloseable> T track(T closeable) {
        open.push(closeable);
        return closeable;
    }

    /** A started producer of {@code group}, instance {@code producer}. */
    public Producer producer(String group) {
        Producer producer = track(Producer.builder(group, config("producer").build()).build());
        producer.start();
        return producer;
    }

    /** Subscribes {@code consumer} to {@code topic} with {@code listener}, then starts it. */
    public PushConsumer start(PushConsumer consumer, String topic, String expression,
                              MessageListenerConcurrently listener) {
        consumer.subscribe(topic, expression);
        consumer.registerListener(listener);
        return start(consumer);
    }

    /** Subscribes {@code consumer} to {@code topic} with an orderly {@code listener}, then starts it. */
    public PushConsumer startOrderly(PushConsumer consumer, String topic, String expression,
                                     MessageListenerOrderly listener) {
        consumer.subscribe(topic, expression);
        consumer.registerOrderlyListener(listener);
        return start(consumer);
    }

    private PushConsumer start(PushConsumer consumer) {
        track(consumer);
        consumer.start();
        return consumer;
    }

    /** Closes every client, newest first, then the server; a failure does not keep the rest open. */
    @Override
    public void close() throws Exception {
        Exception failure = null;
        while (!open.isEmpty()) {
            try {
                open.pop().close();
            } catch (Exception e) {
                if (failure == null) {
                    failure = e;
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        server.close();
        if (failure != null) {
            throw failure;
        }
    }
}
