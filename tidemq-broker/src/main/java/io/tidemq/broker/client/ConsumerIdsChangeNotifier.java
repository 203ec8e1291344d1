package io.tidemq.broker.client;

import io.tidemq.common.protocol.RequestCode;
import io.tidemq.common.protocol.header.Headers;
import io.tidemq.remoting.RemotingChannel;
import io.tidemq.remoting.RemotingServer;
import io.tidemq.remoting.protocol.RemotingCommand;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;

/**
 * Sends NOTIFY_CONSUMER_IDS_CHANGED (one-way, header {@link Headers.GroupRequest}) to every member of a group
 * whose membership changed, so they rebalance at once instead of at their next periodic rebalance.
 * A failed notification is only logged: the member still rebalances on its timer.
 */
public final class ConsumerIdsChangeNotifier implements ConsumerIdsChangeListener {

    private static final Logger LOG = LoggerFactory.getLogger(ConsumerIdsChangeNotifier.class);

    /** Set once by the controller after the server exists, before any heartbeat is served. */
    private volatile RemotingServer server;

    public void bind(RemotingServer server) {
        this.server = server;
    }

    @Override
    public void onConsumerIdsChanged(String group, List<RemotingChannel> members) {
        RemotingServer s = server;
        if (s == null || members.isEmpty()) {
            return;
        }
        RemotingCommand notify = RemotingCommand.createRequest(RequestCode.NOTIFY_CONSUMER_IDS_CHANGED)
                .writeHeader(new Headers.GroupRequest(group));
        for (RemotingChannel member : members) {
            if (!member.isActive()) {
                continue;
            }
            s.invokeOneway(member, notify).whenComplete((ok, e) -> {
                if (e != null) {
                    LOG.info("could not notify {} that group {} changed: {}", member.remoteAddress(), group,
                            e.getMessage());
                }
            });
        }
    }
}
