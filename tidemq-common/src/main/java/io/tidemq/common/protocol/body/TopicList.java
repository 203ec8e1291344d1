package io.tidemq.common.protocol.body;

import java.util.List;

/** Body of the GET_ALL_TOPIC_LIST response (JSON): topic names, sorted. */
public record TopicList(List<String> topics) {
}
