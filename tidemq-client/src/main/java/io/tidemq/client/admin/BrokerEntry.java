package io.tidemq.client.admin;

/**
 * One broker as the NameServers see it (a row of {@code tidemq admin cluster list}).
 *
 * @param cluster         its cluster
 * @param brokerName      its broker group
 * @param brokerId        0 for the master, > 0 for a slave
 * @param address         {@code host:port}
 * @param lastHeartbeatMs epoch millis of its last registration, 0 when the NameServer did not say
 */
public record BrokerEntry(String cluster, String brokerName, long brokerId, String address, long lastHeartbeatMs) {

    public boolean isMaster() {
        return brokerId == 0;
    }
}
