package io.tidemq.client.consumer;

/** How a consumer group shares a topic's messages. */
public enum MessageModel {
    /** Each message goes to one member of the group; offsets are kept by the broker. */
    CLUSTERING,
    /** Each message goes to every member; each member keeps its offsets in a local file. */
    BROADCASTING
}
