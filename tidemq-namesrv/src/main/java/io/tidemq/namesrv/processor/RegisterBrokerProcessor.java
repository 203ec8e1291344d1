package io.tidemq.namesrv.processor;

import io.tidemq.common.json.Json;
import io.tidemq.common.protocol.ResponseCode;
import io.tidemq.common.protocol.header.Headers;
import io.tidemq.common.route.BrokerRegistration;
import io.tidemq.common.route.TopicConfig;
import io.tidemq.namesrv.membership.BrokerIdentity;
import io.tidemq.namesrv.event.BrokerRegisteredEvent;
import io.tidemq.namesrv.event.NamesrvEventBus;
import io.tidemq.namesrv.replication.NamesrvReplicator;
import io.tidemq.remoting.RemotingChannel;
import io.tidemq.remoting.RequestProcessor;
import io.tidemq.remoting.protocol.RemotingCommand;

import java.io.UncheckedIOException;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.LongSupplier;

/**
 * REGISTER_BROKER: checks the header and the JSON {@link BrokerRegistration} body, then publishes a
 * {@link BrokerRegisteredEvent}; the broker is answered once every handler (the route table first) has
 * applied it, so a route lookup made after the response sees the broker.
 */
public final class RegisterBrokerProcessor implements RequestProcessor {

    private final NamesrvEventBus eventBus;
    private final LongSupplier clockMs;
    private final long brokerExpireMs;

    /** @param brokerExpireMs told to each broker, so it can check that it registers often enough */
    private final NamesrvReplicator replicator;

    public RegisterBrokerProcessor(NamesrvEventBus eventBus, LongSupplier clockMs, long brokerExpireMs) {
        this(eventBus, clockMs, brokerExpireMs, null);
    }

    /**
     * @param replicator the NameServer's replication (null = none): a backup forwards the request to its primary,
     *                   the primary answers once the mode's acknowledgements arrived
     */
    public RegisterBrokerProcessor(NamesrvEventBus eventBus, LongSupplier clockMs, long brokerExpireMs,
                                   NamesrvReplicator replicator) {
        this.eventBus = eventBus;
        this.clockMs = clockMs;
        this.brokerExpireMs = brokerExpireMs;
        this.replicator = replicator;
    }

    @Override
    public CompletableFuture<RemotingCommand> processRequest(RemotingChannel channel, RemotingCommand request) {
        long receivedMs = clockMs.getAsLong();
        BrokerIdentity broker = BrokerRequests.readIdentity(request);
        BrokerRegistration registration;
        try {
            registration = readBody(request, broker);
        } catch (IllegalArgumentException | UncheckedIOException e) {
            return CompletableFuture.completedFuture(
                    RemotingCommand.createResponse(ResponseCode.INVALID_PARAMETER, e.getMessage()));
        }
        boolean forwarded = request.fieldAsBoolean(NamesrvReplicator.FORWARDED_FIELD, false);
        if (replicator != null && replicator.forwardsRegistrations()) {
            if (forwarded) {
                return CompletableFuture.completedFuture(replicator.notPrimary("this NameServer is not the primary;"
                        + " forward to the primary named in primaryAddr"));
            }
            return replicator.forward(request);
        }
        // a forwarded registration arrived over the backup's connection, whose closing says nothing of the broker
        RemotingChannel watched = forwarded ? null : channel;
        return eventBus.publish(new BrokerRegisteredEvent(broker, registration, watched, receivedMs))
                .thenCompose(done -> replicator == null ? CompletableFuture.<Void>completedFuture(null)
                        : replicator.awaitReplicated(replicator.lastSeq()))
                .handle((done, error) -> error == null
                        ? RemotingCommand.success().writeHeader(new Headers.RegisterBrokerResponse(brokerExpireMs))
                        : BrokerRequests.failure(error));
    }

    private static BrokerRegistration readBody(RemotingCommand request, BrokerIdentity broker) {
        if (request.body().length == 0) {
            throw new IllegalArgumentException("REGISTER_BROKER needs a JSON BrokerRegistration body");
        }
        BrokerRegistration body = Json.fromBytes(request.body(), BrokerRegistration.class);
        if (!broker.clusterName().equals(body.clusterName()) || !broker.brokerName().equals(body.brokerName())
                || broker.brokerId() != body.brokerId() || !broker.brokerAddr().equals(body.brokerAddr())) {
            throw new IllegalArgumentException("REGISTER_BROKER header says " + broker + " but the body says "
                    + new BrokerIdentity(body.clusterName(), body.brokerName(), body.brokerId(), body.brokerAddr())
                    + "; send the same identity in both");
        }
        Map<String, TopicConfig> topics = body.topicConfigs() == null ? Map.of() : body.topicConfigs();
        for (Map.Entry<String, TopicConfig> e : topics.entrySet()) {
            if (e.getValue() == null || !e.getKey().equals(e.getValue().topic())) {
                throw new IllegalArgumentException("REGISTER_BROKER body: topicConfigs key '" + e.getKey()
                        + "' must map to that topic's config");
            }
        }
        return new BrokerRegistration(body.clusterName(), body.brokerName(), body.brokerId(), body.brokerAddr(),
                Map.copyOf(topics), body.dataVersion(), body.figures(), body.masterEpoch());
    }
}
