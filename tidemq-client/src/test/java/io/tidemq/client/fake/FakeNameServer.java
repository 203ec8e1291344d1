package io.tidemq.client.fake;

import io.tidemq.common.json.Json;
import io.tidemq.common.protocol.RequestCode;
import io.tidemq.common.protocol.ResponseCode;
import io.tidemq.common.protocol.header.Headers;
import io.tidemq.common.route.BrokerData;
import io.tidemq.common.route.Perm;
import io.tidemq.common.route.QueueData;
import io.tidemq.common.route.TopicRouteData;
import io.tidemq.remoting.SyncRequestProcessor;
import io.tidemq.remoting.netty.NettyRemotingServer;
import io.tidemq.remoting.netty.NettyServerConfig;
import io.tidemq.remoting.protocol.RemotingCommand;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/** A NameServer for tests: answers GET_ROUTEINFO_BY_TOPIC from routes the test sets. */
public final class FakeNameServer implements AutoCloseable {

    private final NettyRemotingServer server = new NettyRemotingServer(NettyServerConfig.builder()
            .bindAddress("127.0.0.1").selectorThreads(1).workerThreads(2).build());
    /** Topic to route; any thread. */
    private final Map<String, TopicRouteData> routes = new ConcurrentHashMap<>();
    public final AtomicInteger routeRequests = new AtomicInteger();

    public FakeNameServer() {
        server.registerProcessor(RequestCode.GET_ROUTEINFO_BY_TOPIC, SyncRequestProcessor.of((ch, req) -> {
            routeRequests.incrementAndGet();
            String topic = req.readHeader(Headers.TopicRequest.class).topic();
            TopicRouteData route = routes.get(topic);
            if (route == null) {
                return RemotingCommand.createResponse(ResponseCode.TOPIC_NOT_EXIST, "no route for " + topic);
            }
            return RemotingCommand.success().setBody(Json.toBytes(route));
        }));
        server.start();
    }

    public String address() {
        return "127.0.0.1:" + server.localPort();
    }

    /** Routes {@code topic} to {@code queues} queues on each broker (created on them too). */
    public void route(String topic, int queues, FakeBroker... brokers) {
        List<QueueData> qds = new ArrayList<>();
        List<BrokerData> bds = new ArrayList<>();
        for (FakeBroker b : brokers) {
            b.createTopic(topic, queues);
            qds.add(new QueueData(b.name(), queues, queues, Perm.READ_WRITE));
            bds.add(new BrokerData("c", b.name(), Map.of(BrokerData.MASTER_ID, b.address())));
        }
        routes.put(topic, new TopicRouteData(qds, bds));
    }

    /** Routes {@code topic} to one group: {@code master} (id 0) and {@code slave} (id 1) share its name. */
    public void routeWithSlave(String topic, int queues, FakeBroker master, FakeBroker slave) {
        master.createTopic(topic, queues);
        slave.createTopic(topic, queues);
        routes.put(topic, new TopicRouteData(List.of(new QueueData(master.name(), queues, queues, Perm.READ_WRITE)),
                List.of(new BrokerData("c", master.name(), Map.of(BrokerData.MASTER_ID, master.address(), 1L,
                        slave.address())))));
    }

    @Override
    public void close() {
        server.shutdown();
    }
}
