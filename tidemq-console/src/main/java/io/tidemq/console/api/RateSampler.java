package io.tidemq.console.api;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Turns a broker's running totals (messages put, messages pulled) into per-second rates between two overview
 * requests: the previous sample is kept per broker address. The first look at a broker has no rate (null, shown
 * as "measuring"), never a made-up 0. Thread-safe: samples are immutable, replaced in a concurrent map.
 */
final class RateSampler {

    /** Samples older than this are too stale to rate from; a fresh baseline is taken instead. */
    private static final long MAX_SAMPLE_AGE_MS = 10 * 60_000L;

    record Rates(Double inPerSecond, Double outPerSecond) {
    }

    private record Sample(long atMs, long inTotal, long outTotal) {
    }

    /** Broker address to its last sample; written by the request threads. */
    private final Map<String, Sample> last = new ConcurrentHashMap<>();

    Rates rate(String broker, long atMs, long inTotal, long outTotal) {
        Sample now = new Sample(atMs, inTotal, outTotal);
        Sample before = last.put(broker, now);
        if (before == null || atMs <= before.atMs() || atMs - before.atMs() > MAX_SAMPLE_AGE_MS
                || inTotal < before.inTotal() || outTotal < before.outTotal()) {
            return new Rates(null, null); // first look, a clock step back, or a restart (totals went down)
        }
        double seconds = (atMs - before.atMs()) / 1000.0;
        return new Rates((inTotal - before.inTotal()) / seconds, (outTotal - before.outTotal()) / seconds);
    }
}
