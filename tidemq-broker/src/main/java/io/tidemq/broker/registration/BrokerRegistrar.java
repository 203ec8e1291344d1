package io.tidemq.broker.registration;

import io.tidemq.broker.BrokerThreads;
import io.tidemq.common.json.Json;
import io.tidemq.common.protocol.RequestCode;
import io.tidemq.common.protocol.ResponseCode;
import io.tidemq.common.protocol.header.Headers;
import io.tidemq.common.route.BrokerRegistration;
import io.tidemq.remoting.RemotingClient;
import io.tidemq.remoting.protocol.RemotingCommand;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

/**
 * Keeps this broker registered with every NameServer: REGISTER_BROKER at start, every
 * {@code registerIntervalMs}, and right after a topic change; UNREGISTER_BROKER on close.
 *
 * <p>NameServers are independent: a failure to reach one is logged and the others are still registered.
 * Calls are asynchronous, so the {@code tidemq-broker-register} thread never waits on the network.
 */
public final class BrokerRegistrar implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(BrokerRegistrar.class);

    private final RemotingClient client;
    private final List<String> namesrvAddrs;
    private final Supplier<BrokerRegistration> registration;
    private final long intervalMs;
    private final long timeoutMs;
    private final ScheduledExecutorService scheduler = BrokerThreads.scheduler("tidemq-broker-register");
    /** Coalesces bursts of topic changes into one registration round; set by triggers, cleared by the round. */
    private final AtomicBoolean roundPending = new AtomicBoolean();
    /** Set once by close(); later triggers are ignored. */
    private final AtomicBoolean closed = new AtomicBoolean();

    public BrokerRegistrar(RemotingClient client, List<String> namesrvAddrs, Supplier<BrokerRegistration> registration,
                           long intervalMs, long timeoutMs) {
        this.client = client;
        this.namesrvAddrs = List.copyOf(namesrvAddrs);
        this.registration = registration;
        this.intervalMs = intervalMs;
        this.timeoutMs = timeoutMs;
    }

    public void start() {
        if (namesrvAddrs.isEmpty()) {
            LOG.info("no NameServer configured (namesrvAddrs is empty): the broker serves only clients that know"
                    + " its address");
            return;
        }
        scheduler.scheduleWithFixedDelay(this::registerAllSafely, 0, intervalMs, TimeUnit.MILLISECONDS);
    }

    /** Registers again as soon as possible (after a topic change); bursts of calls make one round. */
    public void registerSoon() {
        if (namesrvAddrs.isEmpty() || closed.get()) {
            return;
        }
        if (roundPending.compareAndSet(false, true)) {
            try {
                scheduler.execute(() -> {
                    roundPending.set(false);
                    registerAllSafely();
                });
            } catch (RejectedExecutionException e) {
                roundPending.set(false);
            }
        }
    }

    private void registerAllSafely() {
        try {
            registerAll();
        } catch (RuntimeException e) {
            LOG.error("broker registration round failed; retrying in {} ms", intervalMs, e);
        }
    }

    /**
     * Sends REGISTER_BROKER to every NameServer. The future completes when every NameServer answered or timed
     * out, never exceptionally; it holds how many accepted.
     */
    public CompletableFuture<Integer> registerAll() {
        BrokerRegistration body = registration.get();
        RemotingCommand request = RemotingCommand.createRequest(RequestCode.REGISTER_BROKER)
                .writeHeader(new Headers.RegisterBrokerRequest(body.clusterName(), body.brokerName(), body.brokerId(),
                        body.brokerAddr()))
                .setBody(Json.toBytes(body));
        return sendToAll(request, "register with");
    }

    private CompletableFuture<Integer> sendToAll(RemotingCommand request, String action) {
        @SuppressWarnings("unchecked")
        CompletableFuture<Boolean>[] calls = new CompletableFuture[namesrvAddrs.size()];
        for (int i = 0; i < calls.length; i++) {
            String addr = namesrvAddrs.get(i);
            CompletableFuture<RemotingCommand> call;
            try {
                call = client.invokeAsync(addr, request, timeoutMs);
            } catch (RuntimeException e) {
                call = CompletableFuture.failedFuture(e);
            }
            calls[i] = call.handle((response, failure) -> {
                if (failure != null) {
                    LOG.warn("could not {} NameServer {}: {}", action, addr, failure.getMessage());
                    return false;
                }
                if (response.code() != ResponseCode.SUCCESS.code()) {
                    LOG.warn("NameServer {} refused to {} this broker: {} {}", addr, action.replace(" with", ""),
                            ResponseCode.describe(response.code()), response.remark());
                    return false;
                }
                return true;
            });
        }
        return CompletableFuture.allOf(calls).thenApply(v -> {
            int ok = 0;
            for (CompletableFuture<Boolean> c : calls) {
                if (c.join()) {
                    ok++;
                }
            }
            return ok;
        });
    }

    /** Stops the periodic registration and unregisters from every NameServer (waiting up to the call timeout). */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        BrokerThreads.shutdown(scheduler, "tidemq-broker-register", timeoutMs);
        if (namesrvAddrs.isEmpty()) {
            return;
        }
        BrokerRegistration body = registration.get();
        RemotingCommand request = RemotingCommand.createRequest(RequestCode.UNREGISTER_BROKER)
                .writeHeader(new Headers.RegisterBrokerRequest(body.clusterName(), body.brokerName(), body.brokerId(),
                        body.brokerAddr()));
        try {
            sendToAll(request, "unregister from").get(timeoutMs + 1_000, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (TimeoutException | ExecutionException e) {
            LOG.warn("unregistering from the NameServers did not finish: {}", e.toString());
        }
    }
}
