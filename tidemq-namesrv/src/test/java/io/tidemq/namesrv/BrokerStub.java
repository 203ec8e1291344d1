package io.tidemq.namesrv;

import io.tidemq.common.json.Json;
import io.tidemq.common.protocol.RequestCode;
import io.tidemq.common.protocol.header.Headers;
import io.tidemq.common.route.BrokerRegistration;
import io.tidemq.common.route.TopicConfig;
import io.tidemq.remoting.netty.NettyClientConfig;
import io.tidemq.remoting.netty.NettyRemotingClient;
import io.tidemq.remoting.protocol.RemotingCommand;

import java.util.Arrays;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/** Plays a broker towards a NameServer over its own connection, as the real broker will. */
final class BrokerStub implements AutoCloseable {

    static final long TIMEOUT_MS = 5_000;

    private final String namesrvAddr;
    private final Headers.RegisterBrokerRequest header;
    private final NettyRemotingClient client = new NettyRemotingClient(NettyClientConfig.builder().build());

    BrokerStub(String namesrvAddr, String clusterName, String brokerName, long brokerId, String brokerAddr) {
        this.namesrvAddr = namesrvAddr;
        this.header = new Headers.RegisterBrokerRequest(clusterName, brokerName, brokerId, brokerAddr);
        client.start();
    }

    String brokerAddr() {
        return header.brokerAddr();
    }

    RemotingCommand register(long dataVersion, TopicConfig... topics) throws Exception {
        Map<String, TopicConfig> configs = Arrays.stream(topics)
                .collect(Collectors.toMap(TopicConfig::topic, Function.identity()));
        BrokerRegistration body = new BrokerRegistration(header.clusterName(), header.brokerName(), header.brokerId(),
                header.brokerAddr(), configs, dataVersion);
        return send(RemotingCommand.createRequest(RequestCode.REGISTER_BROKER).writeHeader(header)
                .setBody(Json.toBytes(body)));
    }

    RemotingCommand heartbeat() throws Exception {
        return send(RemotingCommand.createRequest(RequestCode.BROKER_HEARTBEAT).writeHeader(header));
    }

    RemotingCommand unregister() throws Exception {
        return send(RemotingCommand.createRequest(RequestCode.UNREGISTER_BROKER).writeHeader(header));
    }

    RemotingCommand send(RemotingCommand request) throws Exception {
        return client.invokeSync(namesrvAddr, request, TIMEOUT_MS);
    }

    /** Closes the connection to the NameServer, as a crashed broker's would close. */
    void disconnect() {
        client.closeConnection(namesrvAddr);
    }

    @Override
    public void close() {
        client.shutdown();
    }
}
