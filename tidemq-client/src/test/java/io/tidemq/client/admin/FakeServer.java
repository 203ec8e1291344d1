package io.tidemq.client.admin;

import io.tidemq.common.json.Json;
import io.tidemq.common.protocol.RequestCode;
import io.tidemq.common.protocol.ResponseCode;
import io.tidemq.remoting.SyncRequestProcessor;
import io.tidemq.remoting.netty.NettyRemotingServer;
import io.tidemq.remoting.netty.NettyServerConfig;
import io.tidemq.remoting.protocol.RemotingCommand;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

/** A NameServer or broker stand-in on 127.0.0.1 with an OS-picked port; records the requests it served. */
final class FakeServer implements AutoCloseable {

    final NettyRemotingServer server;
    /** Appended by the server's worker threads, read by the test thread. */
    final List<RemotingCommand> received = new CopyOnWriteArrayList<>();

    FakeServer() {
        server = new NettyRemotingServer(NettyServerConfig.builder().bindAddress("127.0.0.1").listenPort(0)
                .workerThreads(2).selectorThreads(1).build());
        server.start();
    }

    String address() {
        return "127.0.0.1:" + server.localPort();
    }

    /** Answers {@code code} with what {@code handler} returns for the request. */
    FakeServer on(RequestCode code, Function<RemotingCommand, RemotingCommand> handler) {
        server.registerProcessor(code, SyncRequestProcessor.of((channel, request) -> {
            received.add(request);
            return handler.apply(request);
        }));
        return this;
    }

    /** Answers {@code code} with SUCCESS and {@code body} as JSON. */
    FakeServer onJson(RequestCode code, Object body) {
        return on(code, req -> RemotingCommand.success().setBody(Json.toBytes(body)));
    }

    FakeServer fail(RequestCode code, ResponseCode response, String remark) {
        return on(code, req -> RemotingCommand.createResponse(response, remark));
    }

    List<RemotingCommand> received(RequestCode code) {
        return received.stream().filter(r -> r.code() == code.code()).toList();
    }

    @Override
    public void close() {
        server.shutdown();
    }
}
