package io.tidemq.namesrv.processor;

import io.tidemq.namesrv.membership.BrokerIdentity;
import io.tidemq.namesrv.event.BrokerUnregisteredEvent;
import io.tidemq.namesrv.event.NamesrvEventBus;
import io.tidemq.namesrv.replication.NamesrvReplicator;
import io.tidemq.namesrv.route.RouteInfoManager;
import io.tidemq.remoting.RemotingChannel;
import io.tidemq.remoting.RequestProcessor;
import io.tidemq.remoting.protocol.RemotingCommand;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.LongSupplier;

/**
 * UNREGISTER_BROKER: removes a broker at once on its graceful shutdown. Idempotent: unregistering a broker
 * that is not registered (or is registered under another identity at that address) succeeds and changes
 * nothing, so a broker may retry freely.
 */
public final class UnregisterBrokerProcessor implements RequestProcessor {

    private final RouteInfoManager routeInfoManager;
    private final NamesrvEventBus eventBus;
    private final LongSupplier clockMs;

    private final NamesrvReplicator replicator;

    public UnregisterBrokerProcessor(RouteInfoManager routeInfoManager, NamesrvEventBus eventBus,
                                     LongSupplier clockMs) {
        this(routeInfoManager, eventBus, clockMs, null);
    }

    /** @param replicator the NameServer's replication (null = none), as for REGISTER_BROKER */
    public UnregisterBrokerProcessor(RouteInfoManager routeInfoManager, NamesrvEventBus eventBus,
                                     LongSupplier clockMs, NamesrvReplicator replicator) {
        this.routeInfoManager = routeInfoManager;
        this.eventBus = eventBus;
        this.clockMs = clockMs;
        this.replicator = replicator;
    }

    @Override
    public CompletableFuture<RemotingCommand> processRequest(RemotingChannel channel, RemotingCommand request) {
        long receivedMs = clockMs.getAsLong();
        BrokerIdentity broker = BrokerRequests.readIdentity(request);
        if (replicator != null && replicator.forwardsRegistrations()) {
            if (request.fieldAsBoolean(NamesrvReplicator.FORWARDED_FIELD, false)) {
                return CompletableFuture.completedFuture(replicator.notPrimary("this NameServer is not the primary;"
                        + " forward to the primary named in primaryAddr"));
            }
            return replicator.forward(request);
        }
        return eventBus.publishDecided(() -> routeInfoManager.liveInfo(broker.brokerAddr())
                        .filter(info -> info.broker().sameSlot(broker))
                        .map(info -> List.of(new BrokerUnregisteredEvent(info.broker(), receivedMs)))
                        .orElse(List.of()))
                .thenCompose(done -> replicator == null ? CompletableFuture.<Void>completedFuture(null)
                        : replicator.awaitReplicated(replicator.lastSeq()))
                .handle((dispatched, error) -> error == null ? RemotingCommand.success() : BrokerRequests.failure(error));
    }
}
