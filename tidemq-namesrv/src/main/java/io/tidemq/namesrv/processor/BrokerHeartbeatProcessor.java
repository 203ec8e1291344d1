package io.tidemq.namesrv.processor;

import io.tidemq.common.protocol.ResponseCode;
import io.tidemq.namesrv.event.BrokerHeartbeatEvent;
import io.tidemq.namesrv.membership.BrokerIdentity;
import io.tidemq.namesrv.event.NamesrvEventBus;
import io.tidemq.namesrv.route.RouteInfoManager;
import io.tidemq.remoting.RemotingChannel;
import io.tidemq.remoting.RequestProcessor;
import io.tidemq.remoting.protocol.RemotingCommand;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.LongSupplier;

/**
 * BROKER_HEARTBEAT: refreshes a registered broker's liveness without a body. A broker the registry does
 * not know (never registered, or already evicted) is answered INVALID_PARAMETER so it sends a full
 * REGISTER_BROKER; whether it is known is decided on the event thread, after any queued registration.
 */
public final class BrokerHeartbeatProcessor implements RequestProcessor {

    private final RouteInfoManager routeInfoManager;
    private final NamesrvEventBus eventBus;
    private final LongSupplier clockMs;

    public BrokerHeartbeatProcessor(RouteInfoManager routeInfoManager, NamesrvEventBus eventBus, LongSupplier clockMs) {
        this.routeInfoManager = routeInfoManager;
        this.eventBus = eventBus;
        this.clockMs = clockMs;
    }

    @Override
    public CompletableFuture<RemotingCommand> processRequest(RemotingChannel channel, RemotingCommand request) {
        long receivedMs = clockMs.getAsLong();
        BrokerIdentity broker = BrokerRequests.readIdentity(request);
        return eventBus.publishDecided(() -> routeInfoManager.liveInfo(broker.brokerAddr())
                        .filter(info -> info.broker().sameSlot(broker))
                        .map(info -> List.of(new BrokerHeartbeatEvent(info.broker(), channel, receivedMs)))
                        .orElse(List.of()))
                .handle((dispatched, error) -> {
                    if (error != null) {
                        return BrokerRequests.failure(error);
                    }
                    if (dispatched.isEmpty()) {
                        return RemotingCommand.createResponse(ResponseCode.INVALID_PARAMETER, "broker " + broker
                                + " is not registered with this NameServer (never registered, or evicted after "
                                + "brokerExpireMs); send REGISTER_BROKER");
                    }
                    return RemotingCommand.success();
                });
    }
}
