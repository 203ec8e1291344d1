package io.tidemq.common.protocol.body;

import java.util.List;

/** Body of a broker's GET_ALL_TOPIC_LIST response (JSON): topic names, sorted. */
public record TopicList(List<String> topics) {
}
