package io.tidemq.namesrv.replication;

import io.tidemq.common.json.Json;
import io.tidemq.common.protocol.RequestCode;
import io.tidemq.common.protocol.ResponseCode;
import io.tidemq.namesrv.config.ReplicationMode;
import io.tidemq.remoting.RemotingChannel;
import io.tidemq.remoting.RequestProcessor;
import io.tidemq.remoting.protocol.RemotingCommand;

import java.util.concurrent.CompletableFuture;

/** NS_REPL_HELLO, NS_REPL_APPEND, NS_REPL_SNAPSHOT, NS_REPL_TOPOLOGY, NS_REPL_FETCH and NS_REPL_STATUS, served by the replicator. */
public final class ReplicationProcessor implements RequestProcessor {

    private final NamesrvReplicator replicator;

    public ReplicationProcessor(NamesrvReplicator replicator) {
        this.replicator = replicator;
    }

    @Override
    public CompletableFuture<RemotingCommand> processRequest(RemotingChannel channel, RemotingCommand request) {
        RequestCode code = RequestCode.fromCode(request.code());
        if (code == RequestCode.NS_REPL_STATUS) {
            return replicator.status(request.fieldAsBoolean("withOps", false)).thenApply(s -> RemotingCommand.success().setBody(Json.toBytes(s)));
        }
        if (replicator.mode() == ReplicationMode.NONE) {
            return CompletableFuture.completedFuture(RemotingCommand.createResponse(ResponseCode.SERVICE_NOT_AVAILABLE,
                    "this NameServer replicates nothing (namesrvReplicationMode=NONE); set the mode, namesrvPrimary"
                            + " and namesrvPeers on every NameServer and restart them"));
        }
        return switch (code) {
            case NS_REPL_HELLO -> replicator.onHello(request);
            case NS_REPL_APPEND -> replicator.onAppend(request);
            case NS_REPL_SNAPSHOT -> replicator.onSnapshot(request);
            case NS_REPL_TOPOLOGY -> replicator.onTopology(request);
            case NS_REPL_FETCH -> replicator.onFetch(request);
            default -> CompletableFuture.completedFuture(RemotingCommand.createResponse(
                    ResponseCode.REQUEST_CODE_NOT_SUPPORTED, RequestCode.describe(request.code())));
        };
    }
}
