package io.tidemq.common.protocol.body;

import java.util.List;

/** Body of the GET_CONSUMER_LIST_BY_GROUP response (JSON): the live client ids of a group, sorted. */
public record ConsumerIdList(List<String> clientIds) {
}
