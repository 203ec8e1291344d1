package io.tidemq.client.instance;

import io.tidemq.common.concurrent.NamedThreadFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Collection;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Runs the rebalances of a client instance's consumer groups on one thread ({@code tidemq-client-<instance>-rebalance}),
 * so two never overlap for a group: every group each {@code rebalanceIntervalMs}, and one group (or all) soon
 * after a trigger (a membership change, a subscribed topic that appeared). Triggers are coalesced.
 */
final class RebalanceScheduler {

    private static final Logger LOG = LoggerFactory.getLogger(RebalanceScheduler.class);

    /** Key of "every group" in {@link #queued}; no group name can contain a NUL. */
    private static final String ALL_GROUPS = "\u0000all";

    private final ScheduledExecutorService thread;
    private final Supplier<Collection<ConsumerMember>> members;
    private final Function<String, ConsumerMember> member;
    /** Groups (or {@link #ALL_GROUPS}) with a triggered rebalance queued and not started yet; concurrent set. */
    private final Set<String> queued = ConcurrentHashMap.newKeySet();

    /**
     * @param thread  the single rebalance thread
     * @param members the consumers running now
     * @param member  the consumer of a group, or {@code null}
     */
    RebalanceScheduler(ScheduledExecutorService thread, Supplier<Collection<ConsumerMember>> members,
                       Function<String, ConsumerMember> member) {
        this.thread = thread;
        this.members = members;
        this.member = member;
    }

    /** Rebalances every group each {@code intervalMs}. */
    void start(long intervalMs) {
        thread.scheduleWithFixedDelay(NamedThreadFactory.logging("rebalance", this::rebalanceAll), intervalMs,
                intervalMs, TimeUnit.MILLISECONDS);
    }

    /**
     * Rebalances {@code group} (every group when {@code null}) on the rebalance thread, soon. While a rebalance
     * of the group is queued and not started, another trigger adds nothing (the queued one reads the
     * membership when it runs), so a storm of membership changes costs at most the rebalance running plus one
     * more.
     */
    void trigger(String group) {
        String key = group == null ? ALL_GROUPS : group;
        if (!queued.add(key)) {
            return;
        }
        try {
            thread.execute(NamedThreadFactory.logging("rebalance", () -> {
                queued.remove(key); // a change from now on queues another round
                if (group == null) {
                    rebalanceAll();
                } else {
                    ConsumerMember m = member.apply(group);
                    if (m != null) {
                        m.rebalance();
                    }
                }
            }));
        } catch (RejectedExecutionException e) {
            queued.remove(key);
            LOG.debug("rebalance of {} skipped: shutting down", group);
        }
    }

    private void rebalanceAll() {
        for (ConsumerMember m : members.get()) {
            try {
                m.rebalance();
            } catch (RuntimeException e) {
                LOG.warn("rebalance of group {} failed: {}", m.group(), e.getMessage(), e);
            }
        }
    }
}
