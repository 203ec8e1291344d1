package io.tidemq.it.delay;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.IntPredicate;

/**
 * How late the delivered messages of a {@link DelayedSends} were, over the sequence numbers a predicate selects:
 * end to end ({@code arrival - due}, where arrival is the consumer's listener call) and at the broker
 * ({@code store time of the delivered copy - due}, which leaves out the consumer's pull). A message whose send
 * was acknowledged only after its due time could not be delivered before the broker had it: its lateness is
 * counted from the acknowledgement (and such sends are counted). Immutable once computed.
 */
final class Lateness {

    private static final int SAMPLES = 10;

    private final long[] endToEndSorted;
    private final long[] brokerSorted;
    private final long[] afterStoreSorted;
    private final long maxMs;
    private final String worstDetail;
    private final int ackedAfterDue;
    private final int earlyCount;
    private final List<String> earlySamples;

    private Lateness(long[] endToEnd, long[] broker, long[] afterStore, long maxMs, String worstDetail,
                     int ackedAfterDue, int earlyCount, List<String> earlySamples) {
        this.endToEndSorted = endToEnd;
        this.brokerSorted = broker;
        this.afterStoreSorted = afterStore;
        this.maxMs = maxMs;
        this.worstDetail = worstDetail;
        this.ackedAfterDue = ackedAfterDue;
        this.earlyCount = earlyCount;
        this.earlySamples = earlySamples;
    }

    /** Over the arrived messages {@code include} accepts. */
    static Lateness of(DelayedSends sends, Arrivals arrivals, IntPredicate include) {
        long[] endToEnd = new long[sends.count()];
        long[] broker = new long[sends.count()];
        long[] afterStore = new long[sends.count()];
        int n = 0;
        long max = Long.MIN_VALUE;
        int worst = -1;
        int ackedAfterDue = 0;
        int early = 0;
        List<String> earlySamples = new ArrayList<>();
        for (int seq = 0; seq < sends.count(); seq++) {
            if (!arrivals.arrived(seq) || !include.test(seq)) {
                continue;
            }
            long due = sends.dueMs(seq);
            long arrival = arrivals.arrivalMs(seq);
            long stored = arrivals.storeMs(seq);
            if (arrival < due || stored < due) {
                early++;
                if (earlySamples.size() < SAMPLES) {
                    earlySamples.add("seq " + seq + " due " + due + " stored " + stored + " arrived " + arrival);
                }
            }
            long reference = Math.max(due, sends.ackMs(seq));
            if (reference > due) {
                ackedAfterDue++;
            }
            long late = arrival - reference;
            if (late > max) {
                max = late;
                worst = seq;
            }
            endToEnd[n] = late;
            broker[n] = stored - reference;
            afterStore[n] = arrival - stored;
            n++;
        }
        endToEnd = Arrays.copyOf(endToEnd, n);
        broker = Arrays.copyOf(broker, n);
        afterStore = Arrays.copyOf(afterStore, n);
        Arrays.sort(afterStore);
        Arrays.sort(endToEnd);
        Arrays.sort(broker);
        String detail = worst < 0 ? "none" : "seq " + worst + ": due " + sends.dueMs(worst) + ", acked "
                + sends.ackMs(worst) + ", stored " + arrivals.storeMs(worst) + ", arrived " + arrivals.arrivalMs(worst);
        return new Lateness(endToEnd, broker, afterStore, n == 0 ? 0 : max, detail, ackedAfterDue, early,
                earlySamples);
    }

    int count() {
        return endToEndSorted.length;
    }

    /** The largest end-to-end lateness, ms. */
    long maxMs() {
        return maxMs;
    }

    /** The largest lateness of the re-put into the topic (its store time), ms. */
    long maxRePutMs() {
        return brokerSorted.length == 0 ? 0 : brokerSorted[brokerSorted.length - 1];
    }

    String worst() {
        return worstDetail;
    }

    int earlyCount() {
        return earlyCount;
    }

    List<String> earlySamples() {
        return earlySamples;
    }

    /** Percentiles of both measures, for the test's output. */
    String summary() {
        return count() + " messages; end to end (listener call - due) ms: " + percentiles(endToEndSorted)
                + "; re-put (store time - due) ms: " + percentiles(brokerSorted)
                + "; flush, dispatch and pull (listener call - store time) ms: " + percentiles(afterStoreSorted)
                + "; acknowledged after"
                + " their due time: " + ackedAfterDue + "; worst: " + worstDetail;
    }

    private static String percentiles(long[] sorted) {
        if (sorted.length == 0) {
            return "-";
        }
        return "min " + sorted[0] + " p50 " + at(sorted, 0.50) + " p90 " + at(sorted, 0.90) + " p99 "
                + at(sorted, 0.99) + " p99.9 " + at(sorted, 0.999) + " max " + sorted[sorted.length - 1];
    }

    private static long at(long[] sorted, double quantile) {
        return sorted[(int) Math.min(sorted.length - 1, Math.ceil(quantile * sorted.length) - 1)];
    }
}
