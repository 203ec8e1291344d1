package io.tidemq.common.protocol.body;

import java.util.Set;

/**
 * Body of HEART_BEAT (JSON): who a client is and which groups it runs; sent to every broker it talks to.
 *
 * @param clientId       unique per client process instance ("ip@pid@instance")
 * @param producerGroups producer groups the client runs
 * @param consumers      consumer groups the client runs
 */
public record HeartbeatData(String clientId, Set<String> producerGroups, Set<ConsumerData> consumers) {
}
