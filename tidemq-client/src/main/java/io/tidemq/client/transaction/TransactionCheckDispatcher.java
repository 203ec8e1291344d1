package io.tidemq.client.transaction;

import io.tidemq.client.ClientException;
import io.tidemq.client.instance.ClientInstance;
import io.tidemq.client.remoting.ClientRemotingApi;
import io.tidemq.common.message.MessageExt;
import io.tidemq.common.protocol.header.Headers;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Receives CHECK_TRANSACTION_STATE on a client instance's shared connection and hands each check to the
 * transaction producer of the group it names. One dispatcher per {@link ClientInstance}, since a request code
 * has one processor per remoting client while several producer groups may share the instance. It runs on the
 * instance's delay scheduler and only decodes and hands on; the producer's check executor does the work.
 */
final class TransactionCheckDispatcher implements ClientRemotingApi.CheckListener {

    /** What a transaction producer does with a check-back for its group. */
    @FunctionalInterface
    interface Handler {
        void onCheck(String brokerAddress, Headers.CheckTransactionStateRequest header, MessageExt message);
    }

    private static final Logger LOG = LoggerFactory.getLogger(TransactionCheckDispatcher.class);

    /** Dispatchers by instance (identity); guarded by {@code TransactionCheckDispatcher.class}. */
    private static final Map<ClientInstance, TransactionCheckDispatcher> BY_INSTANCE = new IdentityHashMap<>();

    /** Producer group to handler; concurrent map, changed under the class lock. */
    private final Map<String, Handler> handlers = new ConcurrentHashMap<>();

    private TransactionCheckDispatcher() {
    }

    /**
     * Routes the check-backs for {@code group} arriving at {@code instance} to {@code handler}.
     *
     * @throws ClientException when a transaction producer of that group already runs in the instance
     */
    static void register(ClientInstance instance, String group, Handler handler) {
        synchronized (TransactionCheckDispatcher.class) {
            TransactionCheckDispatcher d = BY_INSTANCE.get(instance);
            if (d == null) {
                d = new TransactionCheckDispatcher();
                instance.api().onCheckTransactionState(d, instance.delayScheduler());
                BY_INSTANCE.put(instance, d);
            }
            if (d.handlers.putIfAbsent(group, handler) != null) {
                throw new ClientException("a transaction producer of group '" + group + "' already runs in client"
                        + " instance " + instance.clientId() + "; share it or give this one another instanceName");
            }
        }
    }

    static void unregister(ClientInstance instance, String group) {
        synchronized (TransactionCheckDispatcher.class) {
            TransactionCheckDispatcher d = BY_INSTANCE.get(instance);
            if (d != null) {
                d.handlers.remove(group);
                if (d.handlers.isEmpty()) {
                    BY_INSTANCE.remove(instance);
                }
            }
        }
    }

    @Override
    public void onCheck(String brokerAddress, Headers.CheckTransactionStateRequest h, List<MessageExt> messages) {
        Handler handler = handlers.get(h.producerGroup());
        if (handler == null) {
            LOG.warn("broker {} checks transaction {} of producer group {}, which no transaction producer of this"
                    + " client runs; ignoring it", brokerAddress, h.transactionId(), h.producerGroup());
            return;
        }
        if (messages.size() != 1) {
            LOG.warn("broker {} sent a check-back of transaction {} with {} messages instead of one; ignoring it",
                    brokerAddress, h.transactionId(), messages.size());
            return;
        }
        handler.onCheck(brokerAddress, h, messages.get(0));
    }
}
