package io.tidemq.common.route;

import java.util.List;

/** Body of CREATE_TOPICS (JSON): the topics to create as one change. */
public record TopicConfigList(List<TopicConfig> topics) {
}
