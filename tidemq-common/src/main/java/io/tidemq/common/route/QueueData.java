package io.tidemq.common.route;

/** How many queues one broker (by name) offers for a topic, and with which permissions. */
public record QueueData(String brokerName, int readQueueNums, int writeQueueNums, int perm) {
}
