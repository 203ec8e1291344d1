package io.tidemq.console;

import io.javalin.http.Context;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The console's own Prometheus metrics ({@code GET /metrics} on the console's port, docs/metrics.md): the requests
 * it served and how long they took, the sampler's failures and the groups it samples. No label: the console has no
 * topic or group of its own, and the routes are few. Meters are thread-safe; Jetty's threads and the sampler thread
 * update them.
 */
public final class ConsoleMetrics {

    private static final String STARTED = "tidemq.console.started.nanos";

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final Timer requests;
    private final Counter sampleFailures;

    /** @param sampledGroups how many groups the lag sampler holds (read at scrape time) */
    public ConsoleMetrics(Supplier<Integer> sampledGroups) {
        requests = Timer.builder("tidemq.console.http.requests")
                .description("Requests the console served (pages, API and /metrics), and how long each took")
                .register(registry);
        sampleFailures = Counter.builder("tidemq.console.sample.failures")
                .description("Samples of lag, broker rates or delivery latency that failed (a broker or NameServer"
                        + " did not answer); the console logs each at WARN").register(registry);
        Gauge.builder("tidemq.console.sampled.groups", sampledGroups, s -> s.get())
                .description("Consumer groups whose lag the console samples (at most 1 000)").strongReference(true)
                .register(registry);
    }

    /** Before every request (a Jetty thread). */
    void started(Context ctx) {
        ctx.attribute(STARTED, System.nanoTime());
    }

    /** After every request (a Jetty thread). */
    void finished(Context ctx) {
        Long started = ctx.attribute(STARTED);
        if (started != null) {
            requests.record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
        }
    }

    /** A sample that failed (the sampler thread). */
    void sampleFailed() {
        sampleFailures.increment();
    }

    /** {@code GET /metrics}: the Prometheus text, without a login (it holds counts only). */
    void scrape(Context ctx) {
        ctx.contentType("text/plain; version=0.0.4; charset=utf-8").result(registry.scrape());
    }
}
