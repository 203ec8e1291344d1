package io.tidemq.broker;

import java.util.concurrent.atomic.LongAdder;

/**
 * Running totals the broker reports in GET_BROKER_RUNTIME_INFO; a console derives rates from two samples.
 * LongAdders: updated by every send and pull thread without contention.
 */
public final class BrokerStats {

    public final LongAdder putMessages = new LongAdder();
    public final LongAdder putBytes = new LongAdder();
    public final LongAdder putFailures = new LongAdder();
    public final LongAdder pulledMessages = new LongAdder();
    public final LongAdder pulledBytes = new LongAdder();
    public final long startTimeMs = System.currentTimeMillis();
}
