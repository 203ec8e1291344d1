package io.tidemq.broker.registration;

import io.tidemq.broker.config.BrokerConfigException;
import io.tidemq.broker.support.BrokerThreads;
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
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * Keeps this broker registered with every NameServer: REGISTER_BROKER at start, every
 * {@code registerIntervalMs}, and right after a topic change; UNREGISTER_BROKER on close.
 *
 * <p>NameServers are independent: a failure to reach one is logged and the others are still registered.
 * Calls are asynchronous, so the {@code tidemq-broker-register} thread never waits on the network.
 *
 * <p>A NameServer answers with its {@code brokerExpireMs}: it evicts a broker silent for that long. The first
 * round runs in {@link #start()}, which refuses a {@code registerIntervalMs} at or above it (the broker would
 * drop out of every route between two registrations); a later round that meets such a NameServer logs an error.
 */
public final class BrokerRegistrar implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(BrokerRegistrar.class);

    private final RemotingClient client;
    private final List<String> namesrvAddrs;
    private static final String EXPIRE_FIELD = "brokerExpireMs";

    private final Supplier<BrokerRegistration> registration;
    private final long intervalMs;
    private final long timeoutMs;
    private final ScheduledExecutorService scheduler = BrokerThreads.scheduler("tidemq-broker-register");
    /** Coalesces bursts of topic changes into one registration round; set by triggers, cleared by the round. */
    private final AtomicBoolean roundPending = new AtomicBoolean();
    /** Set once by close(); later triggers are ignored. */
    private final AtomicBoolean closed = new AtomicBoolean();
    /** The first "interval too long" finding of a registration round, or null; written by response callbacks. */
    private final AtomicReference<String> tooLongInterval = new AtomicReference<>();
    /** Set by start() after the first round: from then on a too-long interval is logged, not thrown. */
    private volatile boolean firstRoundDone;

    public BrokerRegistrar(RemotingClient client, List<String> namesrvAddrs, Supplier<BrokerRegistration> registration,
                           long intervalMs, long timeoutMs) {
        this.client = client;
        this.namesrvAddrs = List.copyOf(namesrvAddrs);
        this.registration = registration;
        this.intervalMs = intervalMs;
        this.timeoutMs = timeoutMs;
    }

    /**
     * Registers once (waiting up to {@code registerTimeoutMs} for the answers), then every {@code intervalMs}.
     *
     * @throws BrokerConfigException when a NameServer evicts brokers sooner than {@code registerIntervalMs}
     */
    public void start() {
        if (namesrvAddrs.isEmpty()) {
            LOG.info("no NameServer configured (namesrvAddrs is empty): the broker serves only clients that know"
                    + " its address");
            return;
        }
        try {
            registerAll().get(timeoutMs + 1_000, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (TimeoutException | ExecutionException e) {
            LOG.warn("the first registration round did not finish: {}", e.toString());
        }
        firstRoundDone = true;
        String refused = tooLongInterval.get();
        if (refused != null) {
            throw new BrokerConfigException(refused);
        }
        scheduler.scheduleWithFixedDelay(this::registerAllSafely, intervalMs, intervalMs, TimeUnit.MILLISECONDS);
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
                checkExpiry(addr, response);
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

    private void checkExpiry(String addr, RemotingCommand response) {
        if (!response.hasField(EXPIRE_FIELD)) {
            return; // an older NameServer: nothing to compare with
        }
        long expireMs = response.fieldAsLong(EXPIRE_FIELD, Long.MAX_VALUE);
        if (intervalMs < expireMs) {
            return;
        }
        String problem = "registerIntervalMs=" + intervalMs + " is not below the brokerExpireMs=" + expireMs
                + " of NameServer " + addr + ": it would evict this broker (and drop its topics from every route)"
                + " between two registrations. Set registerIntervalMs well below brokerExpireMs (the default 30000"
                + " against 120000), or raise brokerExpireMs on the NameServers";
        if (firstRoundDone) {
            LOG.error(problem);
        } else {
            tooLongInterval.compareAndSet(null, problem);
        }
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
