package io.tidemq.client.rebalance;

import io.tidemq.client.TopicNotFoundException;
import io.tidemq.common.message.MessageQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Keeps one consumer's queue assignment in line with its group: on each {@link #rebalance} it reads the
 * topic's queues and the group's members, lets the {@link AllocateStrategy} pick this member's share (or
 * takes every queue when broadcasting), and tells its {@link Listener} which queues to stop and which to
 * start. A queue whose start fails stays unassigned and is tried again on the next rebalance.
 *
 * <p>Thread-safety: every method is {@code synchronized}; the assignment table is touched only under that
 * lock, so a periodic rebalance and one triggered by the broker never interleave.
 */
public final class Rebalancer {

    private static final Logger LOG = LoggerFactory.getLogger(Rebalancer.class);

    /** Where a rebalance reads the topic's queues and the group's members from. */
    public interface Source {
        /** Every readable queue of {@code topic}; throws a {@code ClientException} when the route is unknown. */
        List<MessageQueue> readableQueues(String topic);

        /** The ids of the live members of {@code group}, as one broker hosting {@code topic} sees them. */
        List<String> consumerIds(String group, String topic);
    }

    /** Starts and stops reading queues; called under the rebalancer's lock, on the rebalancing thread. */
    public interface Listener {
        /** Starts reading {@code mq}; returns false when it could not (it will be retried next time). */
        boolean queueAssigned(MessageQueue mq);

        /** Stops reading {@code mq}: stop pulling, commit its offset, forget it. */
        void queueRevoked(MessageQueue mq);
    }

    private final String group;
    private final String clientId;
    private final boolean broadcasting;
    private final AllocateStrategy strategy;
    private final Source source;
    private final Listener listener;
    /** Topic to the queues this member reads; guarded by {@code this}. */
    private final Map<String, Set<MessageQueue>> assigned = new HashMap<>();

    public Rebalancer(String group, String clientId, boolean broadcasting, AllocateStrategy strategy, Source source,
                      Listener listener) {
        this.group = group;
        this.clientId = clientId;
        this.broadcasting = broadcasting;
        this.strategy = strategy;
        this.source = source;
        this.listener = listener;
    }

    /** Brings the assignment of every topic in {@code topics} up to date; drops topics not in it. */
    public synchronized void rebalance(Collection<String> topics) {
        for (Iterator<Map.Entry<String, Set<MessageQueue>>> it = assigned.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<String, Set<MessageQueue>> e = it.next();
            if (!topics.contains(e.getKey())) {
                e.getValue().forEach(listener::queueRevoked);
                it.remove();
            }
        }
        for (String topic : topics) {
            try {
                rebalanceTopic(topic);
            } catch (TopicNotFoundException e) {
                // said once at start; the client instance looks the topic up every second and rebalances when it appears
                LOG.debug("group {}: topic {} does not exist yet: {}", group, topic, e.getMessage());
            } catch (RuntimeException e) {
                LOG.warn("group {}: rebalance of topic {} failed, keeping the current assignment: {}",
                        group, topic, e.getMessage());
            }
        }
    }

    private void rebalanceTopic(String topic) {
        List<MessageQueue> all = new ArrayList<>(new TreeSet<>(source.readableQueues(topic)));
        Set<MessageQueue> target;
        if (broadcasting) {
            target = new HashSet<>(all);
        } else {
            List<String> ids = new ArrayList<>(new TreeSet<>(source.consumerIds(group, topic)));
            if (!ids.contains(clientId)) {
                LOG.info("group {}: broker does not list client {} among members {} yet; keeping the current"
                        + " assignment of topic {}", group, clientId, ids, topic);
                return;
            }
            target = new HashSet<>(strategy.allocate(group, clientId, all, ids));
        }
        Set<MessageQueue> current = assigned.computeIfAbsent(topic, t -> new HashSet<>());
        List<MessageQueue> revoked = new ArrayList<>();
        for (MessageQueue mq : current) {
            if (!target.contains(mq)) {
                revoked.add(mq);
            }
        }
        for (MessageQueue mq : revoked) {
            listener.queueRevoked(mq);
            current.remove(mq);
        }
        List<MessageQueue> added = new ArrayList<>();
        for (MessageQueue mq : new TreeSet<>(target)) {
            if (!current.contains(mq) && listener.queueAssigned(mq)) {
                current.add(mq);
                added.add(mq);
            }
        }
        if (!revoked.isEmpty() || !added.isEmpty()) {
            LOG.info("group {} client {} topic {}: revoked {}, assigned {}, now reading {}",
                    group, clientId, topic, revoked, added, new TreeSet<>(current));
        }
    }

    /** Stops every queue (on shutdown). */
    public synchronized void revokeAll() {
        assigned.values().forEach(qs -> qs.forEach(listener::queueRevoked));
        assigned.clear();
    }

    /** The queues this member reads now. */
    public synchronized Set<MessageQueue> assignment() {
        Set<MessageQueue> all = new TreeSet<>();
        assigned.values().forEach(all::addAll);
        return all;
    }
}
