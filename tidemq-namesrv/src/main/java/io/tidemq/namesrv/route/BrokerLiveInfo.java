package io.tidemq.namesrv.route;

import io.tidemq.namesrv.membership.BrokerIdentity;
import io.tidemq.remoting.RemotingChannel;

/**
 * What the registry knows about one live broker process; replaced, never changed, on each registration or
 * heartbeat.
 *
 * @param broker       who it is
 * @param lastUpdateMs epoch millis of its last registration or heartbeat (liveness)
 * @param dataVersion  the data version of its last applied registration (topics unchanged while equal)
 * @param channel      the connection it last spoke over; its closing evicts the broker
 */
public record BrokerLiveInfo(BrokerIdentity broker, long lastUpdateMs, long dataVersion, RemotingChannel channel) {

    /** How long the broker has been silent at {@code nowMs}. */
    public long silentMs(long nowMs) {
        return nowMs - lastUpdateMs;
    }
}
