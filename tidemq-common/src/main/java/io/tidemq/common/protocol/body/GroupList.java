package io.tidemq.common.protocol.body;

import java.util.List;

/** Body of the GET_CONSUMER_GROUP_LIST response (JSON): consumer group names, sorted. */
public record GroupList(List<String> groups) {
}
