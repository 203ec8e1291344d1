package io.tidemq.namesrv.metrics;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.function.IntSupplier;
import java.util.function.ToDoubleFunction;

/**
 * The NameServer's Prometheus metrics (docs/metrics.md): its counters ({@link NamesrvMetrics}) and the size of
 * its registry, read at scrape time. Every series is named {@code tidemq_namesrv_*}, so a standalone process can
 * serve them next to its broker's on one endpoint. Thread-safe: the registry is, and what it reads is.
 */
public final class NamesrvPrometheus {

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);

    /**
     * @param liveBrokers how many broker processes are registered (read at scrape time)
     * @param topics      how many topics are routed (read at scrape time)
     */
    public NamesrvPrometheus(NamesrvMetrics metrics, IntSupplier liveBrokers, IntSupplier topics) {
        counter("tidemq.namesrv.registrations", "REGISTER_BROKER requests applied", metrics,
                NamesrvMetrics::registrations);
        counter("tidemq.namesrv.heartbeats", "BROKER_HEARTBEAT requests applied", metrics, NamesrvMetrics::heartbeats);
        counter("tidemq.namesrv.unregistrations", "UNREGISTER_BROKER requests applied (clean broker shutdowns)",
                metrics, NamesrvMetrics::unregistrations);
        counter("tidemq.namesrv.evictions", "Brokers evicted for silence or a lost connection", metrics,
                NamesrvMetrics::evictionsTotal);
        counter("tidemq.namesrv.handler.failures", "Exceptions thrown by event handlers", metrics,
                NamesrvMetrics::handlerFailures);
        Gauge.builder("tidemq.namesrv.brokers", liveBrokers, IntSupplier::getAsInt)
                .description("Live broker processes registered").strongReference(true).register(registry);
        Gauge.builder("tidemq.namesrv.topics", topics, IntSupplier::getAsInt)
                .description("Topics served by at least one live broker").strongReference(true).register(registry);
    }

    private void counter(String name, String description, NamesrvMetrics m, ToDoubleFunction<NamesrvMetrics> f) {
        FunctionCounter.builder(name, m, f).description(description).register(registry);
    }

    /** The Prometheus text of every series. */
    public String scrape() {
        return registry.scrape();
    }
}
