package io.tidemq.controller.service;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.tidemq.controller.node.ControllerNode;
import io.tidemq.controller.state.ControllerState;
import io.tidemq.controller.state.GroupState;

import java.util.function.ToDoubleFunction;

/**
 * A controller peer's Prometheus metrics (docs/metrics.md, "Controller"): whether it leads the quorum, its Raft
 * term, and the broker groups of its last applied state. Every value is read at scrape time from the peer's own
 * copy of the state, so a scrape never goes through the quorum and works on a follower cut off from the leader
 * (where it shows what that peer last applied). Every series is named {@code tidemq_controller_*}. Thread-safe:
 * the registry is, and what it reads is immutable or volatile.
 */
public final class ControllerPrometheus {

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);

    public ControllerPrometheus(ControllerNode node) {
        gauge("tidemq.controller.leader", "1 while this peer is the quorum's leader (the one that elects masters)",
                node, n -> n.isLeader() ? 1 : 0);
        gauge("tidemq.controller.term", "The Raft term this peer is in (each leader election starts a new one)",
                node, ControllerNode::currentTerm);
        gauge("tidemq.controller.broker.groups", "Broker groups with at least one registered replica", node,
                n -> n.localState().groups().size());
        gauge("tidemq.controller.broker.groups.without.master",
                "Broker groups that have no master (no in-sync replica was alive to elect)", node,
                n -> count(n.localState(), g -> !g.hasMaster()));
        gauge("tidemq.controller.replicas", "Registered replicas over every broker group", node,
                n -> n.localState().groups().values().stream().mapToInt(g -> g.replicas().size()).sum());
        gauge("tidemq.controller.in.sync.replicas", "Members of every broker group's in-sync replica set, summed",
                node, n -> n.localState().groups().values().stream().mapToInt(g -> g.isr().size()).sum());
    }

    private static double count(ControllerState state, java.util.function.Predicate<GroupState> p) {
        return state.groups().values().stream().filter(p).count();
    }

    private void gauge(String name, String description, ControllerNode node, ToDoubleFunction<ControllerNode> f) {
        Gauge.builder(name, node, f).description(description).strongReference(true).register(registry);
    }

    /** The Prometheus text of every series. */
    public String scrape() {
        return registry.scrape();
    }
}
