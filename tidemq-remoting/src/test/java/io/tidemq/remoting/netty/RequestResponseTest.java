package io.tidemq.remoting.netty;

import io.tidemq.common.protocol.RequestCode;
import io.tidemq.common.protocol.ResponseCode;
import io.tidemq.remoting.SyncRequestProcessor;
import io.tidemq.remoting.exception.RemotingTimeoutException;
import io.tidemq.remoting.protocol.RemotingCommand;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RequestResponseTest {

    private static final long TIMEOUT_MS = 5000;
    private static final int ECHO = 1000;

    private final Loopback loop = new Loopback();
    private final ExecutorService pool = Executors.newFixedThreadPool(2);

    @BeforeEach
    void start() {
        loop.server.registerProcessor(ECHO, SyncRequestProcessor.of((ch, req) ->
                RemotingCommand.success()
                        .putField("echo", req.field("text"))
                        .putField("n", req.fieldAsLong("n") + 1)
                        .setBody(req.body())), pool);
        loop.start();
    }

    @AfterEach
    void stop() {
        loop.close();
        pool.shutdownNow();
    }

    @Test
    void aRequestRoundTripsWithHeaderFieldsAndBody() throws Exception {
        RemotingCommand request = RemotingCommand.createRequest(ECHO)
                .putField("text", "héllo").putField("n", 41L)
                .setBody("body bytes".getBytes(StandardCharsets.UTF_8));

        RemotingCommand response = loop.client.invokeSync(loop.address(), request, TIMEOUT_MS);

        assertThat(response.isSuccess()).isTrue();
        assertThat(response.field("echo")).isEqualTo("héllo");
        assertThat(response.fieldAsLong("n")).isEqualTo(42L);
        assertThat(new String(response.body(), StandardCharsets.UTF_8)).isEqualTo("body bytes");
        assertThat(loop.client.pendingRequestCount()).isZero();
    }

    @Test
    void aTaskExecutedOnAChannelsIoThreadRunsOnTheThreadThatReadItsRequests() throws Exception {
        AtomicReference<String> readOn = new AtomicReference<>();
        AtomicReference<io.tidemq.remoting.RemotingChannel> channel = new AtomicReference<>();
        loop.server.registerProcessor(RequestCode.PULL_MESSAGE, (ch, req) -> {
            readOn.set(Thread.currentThread().getName());
            channel.set(ch);
            return CompletableFuture.completedFuture(RemotingCommand.success());
        }, Runnable::run);
        loop.client.invokeSync(loop.address(), RemotingCommand.createRequest(RequestCode.PULL_MESSAGE), TIMEOUT_MS);

        CompletableFuture<String> ranOn = new CompletableFuture<>();
        channel.get().executeOnIoThread(() -> ranOn.complete(Thread.currentThread().getName()));
        assertThat(ranOn.get(TIMEOUT_MS, TimeUnit.MILLISECONDS)).isEqualTo(readOn.get()).contains("-io");
    }

    /**
     * Queued from the I/O thread itself, the task runs after the work in hand (the rest of the requests read in that
     * round), not inline: a held replication fetch answered this way carries every record those requests appended.
     */
    @Test
    void aTaskExecutedFromTheIoThreadItselfRunsAfterTheWorkInHand() throws Exception {
        List<String> order = new CopyOnWriteArrayList<>();
        CompletableFuture<Void> ran = new CompletableFuture<>();
        loop.server.registerProcessor(RequestCode.PULL_MESSAGE, (ch, req) -> {
            ch.executeOnIoThread(() -> {
                order.add("task on " + Thread.currentThread().getName());
                ran.complete(null);
            });
            order.add("rest of the read on " + Thread.currentThread().getName());
            return CompletableFuture.completedFuture(RemotingCommand.success());
        }, Runnable::run);
        loop.client.invokeSync(loop.address(), RemotingCommand.createRequest(RequestCode.PULL_MESSAGE), TIMEOUT_MS);

        ran.get(TIMEOUT_MS, TimeUnit.MILLISECONDS);
        assertThat(order).hasSize(2);
        assertThat(order.get(0)).startsWith("rest of the read on ");
        assertThat(order.get(1)).isEqualTo("task on " + order.get(0).substring("rest of the read on ".length()));
    }

    @Test
    void anAsyncProcessorAnswersWhenItsFutureCompletesWithoutHoldingAThread() throws Exception {
        CompletableFuture<RemotingCommand> later = new CompletableFuture<>();
        CountDownLatch received = new CountDownLatch(1);
        loop.server.registerProcessor(RequestCode.PULL_MESSAGE, (ch, req) -> {
            received.countDown();
            return later;
        }, pool);

        CompletableFuture<RemotingCommand> call = loop.client.invokeAsync(loop.address(),
                RemotingCommand.createRequest(RequestCode.PULL_MESSAGE), TIMEOUT_MS);
        assertThat(received.await(TIMEOUT_MS, TimeUnit.MILLISECONDS)).isTrue();
        assertThat(call).isNotDone();

        later.complete(RemotingCommand.createResponse(ResponseCode.PULL_NOT_FOUND, "nothing new"));
        RemotingCommand response = call.get(TIMEOUT_MS, TimeUnit.MILLISECONDS);
        assertThat(response.code()).isEqualTo(ResponseCode.PULL_NOT_FOUND.code());
        assertThat(response.remark()).isEqualTo("nothing new");
    }

    @Test
    void anUnknownCodeIsAnsweredRequestCodeNotSupported() throws Exception {
        RemotingCommand response = loop.client.invokeSync(loop.address(), RemotingCommand.createRequest(4242), TIMEOUT_MS);

        assertThat(response.code()).isEqualTo(ResponseCode.REQUEST_CODE_NOT_SUPPORTED.code());
        assertThat(response.remark()).contains("UNKNOWN(4242)");
    }

    @Test
    void theDefaultProcessorServesCodesWithoutTheirOwn() throws Exception {
        loop.server.registerDefaultProcessor(SyncRequestProcessor.of((ch, req) ->
                RemotingCommand.success().putField("code", req.code())), pool);

        RemotingCommand response = loop.client.invokeSync(loop.address(), RemotingCommand.createRequest(4242), TIMEOUT_MS);

        assertThat(response.fieldAsInt("code")).isEqualTo(4242);
    }

    @Test
    void aThrowingProcessorYieldsSystemErrorAndTheServerKeepsServing() throws Exception {
        loop.server.registerProcessor(7, SyncRequestProcessor.of((ch, req) -> {
            throw new IllegalStateException("disk on fire");
        }), pool);
        loop.server.registerProcessor(8, (ch, req) -> CompletableFuture.failedFuture(new RuntimeException("async boom")), pool);

        RemotingCommand thrown = loop.client.invokeSync(loop.address(), RemotingCommand.createRequest(7), TIMEOUT_MS);
        RemotingCommand failed = loop.client.invokeSync(loop.address(), RemotingCommand.createRequest(8), TIMEOUT_MS);

        assertThat(thrown.code()).isEqualTo(ResponseCode.SYSTEM_ERROR.code());
        assertThat(thrown.remark()).isEqualTo("disk on fire");
        assertThat(failed.code()).isEqualTo(ResponseCode.SYSTEM_ERROR.code());
        assertThat(failed.remark()).isEqualTo("async boom");
        assertThat(echo("still here").field("echo")).isEqualTo("still here");
    }

    @Test
    void aMissingOrMalformedHeaderFieldYieldsInvalidParameter() throws Exception {
        RemotingCommand response = loop.client.invokeSync(loop.address(),
                RemotingCommand.createRequest(ECHO).putField("n", "not-a-number"), TIMEOUT_MS);

        assertThat(response.code()).isEqualTo(ResponseCode.INVALID_PARAMETER.code());
        assertThat(response.remark()).contains("'n'").contains("not-a-number");
    }

    @Test
    void aRejectingExecutorYieldsSystemBusy() throws Exception {
        loop.server.registerProcessor(9, SyncRequestProcessor.of((ch, req) -> RemotingCommand.success()), task -> {
            throw new RejectedExecutionException("queue full");
        });

        RemotingCommand response = loop.client.invokeSync(loop.address(), RemotingCommand.createRequest(9), TIMEOUT_MS);

        assertThat(response.code()).isEqualTo(ResponseCode.SYSTEM_BUSY.code());
        assertThat(response.remark()).contains("busy");
        assertThat(echo("after busy").field("echo")).isEqualTo("after busy");
    }

    @Test
    void aOneWayRequestIsProcessedAndNeverAnswered() throws Exception {
        AtomicReference<RemotingCommand> seen = new AtomicReference<>();
        CountDownLatch processed = new CountDownLatch(1);
        loop.server.registerProcessor(RequestCode.UNREGISTER_CLIENT, SyncRequestProcessor.of((ch, req) -> {
            seen.set(req);
            processed.countDown();
            return RemotingCommand.success(); // dropped: the request is one-way
        }), pool);

        loop.client.invokeOneway(loop.address(), RemotingCommand.createRequest(RequestCode.UNREGISTER_CLIENT)
                .putField("clientId", "c1")).get(TIMEOUT_MS, TimeUnit.MILLISECONDS);

        assertThat(processed.await(TIMEOUT_MS, TimeUnit.MILLISECONDS)).isTrue();
        assertThat(seen.get().isOneway()).isTrue();
        assertThat(seen.get().field("clientId")).isEqualTo("c1");
        // an unanswered response would show up as a stray frame; the connection keeps correlating correctly
        assertThat(echo("after oneway").field("echo")).isEqualTo("after oneway");
        assertThat(loop.client.pendingRequestCount()).isZero();
    }

    @Test
    void aNullResponseSendsNothingAndTheCallerTimesOut() {
        loop.server.registerProcessor(11, SyncRequestProcessor.of((ch, req) -> null), pool);

        CompletableFuture<RemotingCommand> call = loop.client.invokeAsync(loop.address(),
                RemotingCommand.createRequest(11), 300);

        assertThatThrownBy(() -> call.get(TIMEOUT_MS, TimeUnit.MILLISECONDS))
                .hasCauseInstanceOf(RemotingTimeoutException.class);
    }

    @Test
    void oneCommandCanBeSentSeveralTimesConcurrently() throws Exception {
        RemotingCommand shared = RemotingCommand.createRequest(ECHO).putField("text", "same").putField("n", 1L);

        CompletableFuture<RemotingCommand> a = loop.client.invokeAsync(loop.address(), shared, TIMEOUT_MS);
        CompletableFuture<RemotingCommand> b = loop.client.invokeAsync(loop.address(), shared, TIMEOUT_MS);

        assertThat(a.get(TIMEOUT_MS, TimeUnit.MILLISECONDS).field("echo")).isEqualTo("same");
        assertThat(b.get(TIMEOUT_MS, TimeUnit.MILLISECONDS).field("echo")).isEqualTo("same");
    }

    @Test
    void processorsRegisteredWithoutAnExecutorRunOnTheSharedWorkerPool() throws Exception {
        loop.server.registerProcessor(12, SyncRequestProcessor.of((ch, req) ->
                RemotingCommand.success().putField("thread", Thread.currentThread().getName())));

        RemotingCommand response = loop.client.invokeSync(loop.address(), RemotingCommand.createRequest(12), TIMEOUT_MS);

        assertThat(response.field("thread")).startsWith("tidemq-remoting-server-worker");
    }

    private RemotingCommand echo(String text) throws Exception {
        return loop.client.invokeSync(loop.address(),
                RemotingCommand.createRequest(ECHO).putField("text", text).putField("n", 0L), TIMEOUT_MS);
    }
}
