package io.tidemq.namesrv.event;

import io.tidemq.common.route.ClusterInfo;
import io.tidemq.common.route.TopicRouteData;

import java.util.List;
import java.util.Optional;

/**
 * What an event handler may read of the route table: immutable snapshots, never a way to change it. Only
 * the built-in route-table handler changes the table, through the implementation's package-private
 * methods; this interface lives here so that the event SPI does not depend on the route package (which
 * depends on it).
 */
public interface RouteTableView {

    /** The route of a topic, or empty when no live broker serves it. */
    Optional<TopicRouteData> findTopicRoute(String topic);

    /** Clusters, broker groups and their live addresses. */
    ClusterInfo clusterInfo();

    /** Every topic some live broker serves, sorted. */
    List<String> topicNames();
}
