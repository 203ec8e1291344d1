package io.tidemq.namesrv.processor;

import io.tidemq.common.json.Json;
import io.tidemq.common.protocol.RequestCode;
import io.tidemq.common.protocol.ResponseCode;
import io.tidemq.common.protocol.body.ConfigSnapshot;
import io.tidemq.common.protocol.body.ConfigUpdates;
import io.tidemq.namesrv.config.NamesrvConfig;
import io.tidemq.namesrv.config.NamesrvConfigKeys;
import io.tidemq.remoting.RemotingChannel;
import io.tidemq.remoting.SyncRequestProcessor;
import io.tidemq.remoting.protocol.RemotingCommand;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.IntSupplier;

/**
 * GET_NAMESRV_CONFIG and UPDATE_NAMESRV_CONFIG ({@code tidemq admin config get|set --nameserver}). Every NameServer
 * key is read once at start (the port, the executors, the expiry that also sets the connections' idle time), so an
 * update is always refused, naming the keys and saying to restart with them in the properties file.
 */
public final class NamesrvConfigProcessor implements SyncRequestProcessor {

    /** The keys a running NameServer changes: none (see the class comment). */
    public static final Set<String> DYNAMIC_KEYS = Set.of();

    private final NamesrvConfig config;
    private final IntSupplier listenPort;
    private final IntSupplier metricsPort;

    /**
     * @param listenPort  the bound port
     * @param metricsPort the bound /metrics port, -1 when none
     */
    public NamesrvConfigProcessor(NamesrvConfig config, IntSupplier listenPort, IntSupplier metricsPort) {
        this.config = config;
        this.listenPort = listenPort;
        this.metricsPort = metricsPort;
    }

    @Override
    public RemotingCommand process(RemotingChannel channel, RemotingCommand request) {
        if (request.code() == RequestCode.UPDATE_NAMESRV_CONFIG.code()) {
            return RemotingCommand.createResponse(ResponseCode.INVALID_PARAMETER, refusal(request));
        }
        return RemotingCommand.success().setBody(Json.toBytes(snapshot()));
    }

    ConfigSnapshot snapshot() {
        Map<String, String> v = new LinkedHashMap<>();
        v.put(NamesrvConfigKeys.LISTEN_PORT.name(), Integer.toString(listenPort.getAsInt()));
        v.put(NamesrvConfigKeys.BIND_ADDRESS.name(), config.bindAddress());
        v.put(NamesrvConfigKeys.BROKER_EXPIRE_MS.name(), Long.toString(config.brokerExpireMs()));
        v.put(NamesrvConfigKeys.SCAN_INTERVAL_MS.name(), Long.toString(config.scanIntervalMs()));
        v.put(NamesrvConfigKeys.REQUEST_THREADS.name(), Integer.toString(config.requestThreads()));
        v.put(NamesrvConfigKeys.EVENT_QUEUE_CAPACITY.name(), Integer.toString(config.eventQueueCapacity()));
        int metrics = metricsPort.getAsInt();
        v.put(NamesrvConfigKeys.METRICS_PORT.name(), Integer.toString(metrics >= 0 ? metrics : config.metricsPort()));
        v.put(NamesrvConfigKeys.REPLICATION_MODE.name(), config.namesrvReplicationMode().name());
        v.put(NamesrvConfigKeys.PRIMARY.name(), config.namesrvPrimary());
        v.put(NamesrvConfigKeys.PEERS.name(), config.namesrvPeers());
        v.put(NamesrvConfigKeys.SELF_ADDR.name(), config.namesrvSelfAddr());
        v.put(NamesrvConfigKeys.SEMI_SYNC_ACKS.name(), Integer.toString(config.namesrvSemiSyncAcks()));
        v.put(NamesrvConfigKeys.BACKUP_LAG_MAX_MS.name(), Long.toString(config.namesrvBackupLagMaxMs()));
        v.put(NamesrvConfigKeys.OP_RING_SIZE.name(), Integer.toString(config.namesrvOpRingSize()));
        return new ConfigSnapshot("NameServer", NamesrvConfigKeys.TABLE.entries(v, DYNAMIC_KEYS));
    }

    private static String refusal(RemotingCommand request) {
        Map<String, String> updates;
        try {
            updates = Json.fromBytes(request.body(), ConfigUpdates.class).updates();
        } catch (RuntimeException e) {
            return "the body of UPDATE_NAMESRV_CONFIG must be a JSON object {\"updates\": {key: value}}: "
                    + e.getMessage();
        }
        Set<String> unknown = new TreeSet<>(updates.keySet());
        unknown.removeAll(NamesrvConfigKeys.TABLE.names());
        if (!unknown.isEmpty()) {
            return "unknown NameServer config key(s) " + unknown + "; nothing was changed. NameServer keys are "
                    + NamesrvConfigKeys.TABLE.names();
        }
        return new TreeSet<>(updates.keySet()) + " take effect only when the NameServer starts (a running NameServer"
                + " changes no key): set them in its properties file (tidemq namesrv --config FILE) and restart it;"
                + " nothing was changed";
    }
}
