package io.tidemq.remoting.netty;

import io.tidemq.remoting.SyncRequestProcessor;
import io.tidemq.remoting.exception.RemotingConnectException;
import io.tidemq.remoting.exception.RemotingConnectionClosedException;
import io.tidemq.remoting.exception.RemotingSendRequestException;
import io.tidemq.remoting.exception.RemotingTimeoutException;
import io.tidemq.remoting.protocol.FrameTooLargeException;
import io.tidemq.remoting.protocol.RemotingCommand;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

class FailureHandlingTest {

    private static final int NEVER_ANSWERS = 1;
    private static final int ECHO = 2;
    private static final int CLOSES_CONNECTION = 3;
    /** Longer than any wait below, so a fast failure cannot be the timeout. */
    private static final long LONG_TIMEOUT_MS = 60_000;

    private final Loopback loop = new Loopback(NettyServerConfig.builder().maxFrameBytes(64 * 1024),
            NettyClientConfig.builder().connectTimeoutMs(2000), null, null);
    /** Futures the NEVER_ANSWERS processor handed out; completed on teardown. */
    private final List<CompletableFuture<RemotingCommand>> parked = new ArrayList<>();

    FailureHandlingTest() {
        loop.server.registerProcessor(NEVER_ANSWERS, (ch, req) -> {
            CompletableFuture<RemotingCommand> never = new CompletableFuture<>();
            synchronized (parked) {
                parked.add(never);
            }
            return never;
        });
        loop.server.registerProcessor(ECHO, SyncRequestProcessor.of((ch, req) -> RemotingCommand.success()
                .putField("v", req.field("v"))));
        loop.server.registerProcessor(CLOSES_CONNECTION, (ch, req) -> {
            ch.close();
            return new CompletableFuture<>();
        });
        loop.start();
    }

    @AfterEach
    void stop() {
        loop.close();
    }

    @Test
    void aCallWithoutResponseTimesOutAndLeavesNothingPending() {
        long start = System.nanoTime();
        CompletableFuture<RemotingCommand> call = loop.client.invokeAsync(loop.address(),
                RemotingCommand.createRequest(NEVER_ANSWERS), 200);

        assertThatThrownBy(() -> call.get(10, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class)
                .cause().isInstanceOf(RemotingTimeoutException.class)
                .hasMessageContaining("within 200 ms");
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isGreaterThanOrEqualTo(190);
        assertThat(loop.client.pendingRequestCount()).isZero();
    }

    @Test
    void aClientWithACoarserTimeoutTickStillTimesOutItsCalls() {
        Loopback coarse = new Loopback(NettyServerConfig.builder(), NettyClientConfig.builder().timeoutTickMs(100),
                null, null);
        coarse.server.registerProcessor(NEVER_ANSWERS, (ch, req) -> new CompletableFuture<>());
        coarse.start();
        try {
            CompletableFuture<RemotingCommand> call = coarse.client.invokeAsync(coarse.address(),
                    RemotingCommand.createRequest(NEVER_ANSWERS), 200);
            assertThatThrownBy(() -> call.get(10, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class)
                    .cause().isInstanceOf(RemotingTimeoutException.class);
            assertThat(coarse.client.pendingRequestCount()).isZero();
        } finally {
            coarse.close();
        }
    }

    @Test
    void invokeSyncThrowsTheTypedTimeout() {
        assertThatThrownBy(() -> loop.client.invokeSync(loop.address(), RemotingCommand.createRequest(NEVER_ANSWERS), 100))
                .isInstanceOf(RemotingTimeoutException.class);
        assertThat(loop.client.pendingRequestCount()).isZero();
    }

    @Test
    void aLateResponseAfterATimeoutIsDiscardedAndTheConnectionStaysUsable() throws Exception {
        CompletableFuture<RemotingCommand> call = loop.client.invokeAsync(loop.address(),
                RemotingCommand.createRequest(NEVER_ANSWERS), 100);
        assertThatThrownBy(() -> call.get(10, TimeUnit.SECONDS)).hasCauseInstanceOf(RemotingTimeoutException.class);

        synchronized (parked) {
            parked.forEach(f -> f.complete(RemotingCommand.success()));
        }

        assertThat(loop.client.invokeSync(loop.address(), RemotingCommand.createRequest(ECHO).putField("v", "x"),
                5000).field("v")).isEqualTo("x");
    }

    @Test
    void pendingCallsFailAtOnceWhenTheServerClosesTheConnection() {
        List<CompletableFuture<RemotingCommand>> waiting = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            waiting.add(loop.client.invokeAsync(loop.address(), RemotingCommand.createRequest(NEVER_ANSWERS), LONG_TIMEOUT_MS));
        }
        await().atMost(10, TimeUnit.SECONDS).until(() -> parkedCount() == 50);

        CompletableFuture<RemotingCommand> closer = loop.client.invokeAsync(loop.address(),
                RemotingCommand.createRequest(CLOSES_CONNECTION), LONG_TIMEOUT_MS);
        waiting.add(closer);

        for (CompletableFuture<RemotingCommand> call : waiting) {
            assertThatThrownBy(() -> call.get(10, TimeUnit.SECONDS))
                    .cause().isInstanceOf(RemotingConnectionClosedException.class)
                    .hasMessageContaining("closed before the response");
        }
        assertThat(loop.client.pendingRequestCount()).isZero();
    }

    @Test
    void theNextCallReconnectsAfterAConnectionClosed() throws Exception {
        CompletableFuture<RemotingCommand> closer = loop.client.invokeAsync(loop.address(),
                RemotingCommand.createRequest(CLOSES_CONNECTION), LONG_TIMEOUT_MS);
        assertThatThrownBy(() -> closer.get(10, TimeUnit.SECONDS)).hasCauseInstanceOf(RemotingConnectionClosedException.class);

        // the closed connection may still be in the table for a moment; a call on it fails fast and drops it
        await().atMost(10, TimeUnit.SECONDS).ignoreExceptions().until(() ->
                "again".equals(loop.client.invokeSync(loop.address(),
                        RemotingCommand.createRequest(ECHO).putField("v", "again"), 5000).field("v")));
    }

    @Test
    void closingAConnectionFromTheClientFailsItsPendingCalls() {
        CompletableFuture<RemotingCommand> call = loop.client.invokeAsync(loop.address(),
                RemotingCommand.createRequest(NEVER_ANSWERS), LONG_TIMEOUT_MS);
        await().atMost(10, TimeUnit.SECONDS).until(() -> parkedCount() == 1);

        loop.client.closeConnection(loop.address());

        assertThatThrownBy(() -> call.get(10, TimeUnit.SECONDS)).hasCauseInstanceOf(RemotingConnectionClosedException.class);
    }

    @Test
    void anUnreachableAddressFailsWithTheTypedConnectException() throws Exception {
        int freePort;
        try (ServerSocket probe = new ServerSocket(0)) {
            freePort = probe.getLocalPort();
        }
        String nobody = "127.0.0.1:" + freePort;

        assertThatThrownBy(() -> loop.client.invokeSync(nobody, RemotingCommand.createRequest(ECHO), 5000))
                .isInstanceOf(RemotingConnectException.class)
                .hasMessageContaining(nobody);
        assertThatThrownBy(() -> loop.client.invokeOneway(nobody, RemotingCommand.createRequest(ECHO)).get(10, TimeUnit.SECONDS))
                .hasCauseInstanceOf(RemotingConnectException.class);
        assertThat(loop.client.pendingRequestCount()).isZero();
    }

    @Test
    void aRequestOverMaxFrameBytesFailsToSendAndIsNotWritten() throws Exception {
        RemotingCommand huge = RemotingCommand.createRequest(ECHO).setBody(new byte[20 * 1024 * 1024]);

        assertThatThrownBy(() -> loop.client.invokeSync(loop.address(), huge, 5000))
                .isInstanceOf(RemotingSendRequestException.class)
                .hasMessageContaining("maxFrameBytes")
                .hasCauseInstanceOf(FrameTooLargeException.class);
        assertThat(loop.client.invokeSync(loop.address(), RemotingCommand.createRequest(ECHO).putField("v", "ok"),
                5000).field("v")).isEqualTo("ok");
    }

    @Test
    void aResponseOverTheServersMaxFrameBytesIsNotSentSoTheCallTimesOut() {
        loop.server.registerProcessor(ECHO + 100, SyncRequestProcessor.of((ch, req) ->
                RemotingCommand.success().setBody(new byte[128 * 1024])));

        assertThatThrownBy(() -> loop.client.invokeSync(loop.address(), RemotingCommand.createRequest(ECHO + 100), 300))
                .isInstanceOf(RemotingTimeoutException.class);
    }

    @Test
    void invalidArgumentsAreRejectedUpFront() {
        assertThatThrownBy(() -> loop.client.invokeAsync("no-port", RemotingCommand.createRequest(ECHO), 1000))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("host:port");
        assertThatThrownBy(() -> loop.client.invokeAsync("h:99999", RemotingCommand.createRequest(ECHO), 1000))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("[1, 65535]");
        assertThatThrownBy(() -> loop.client.invokeAsync(loop.address(), RemotingCommand.createRequest(ECHO), 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("timeoutMs");
    }

    @Test
    void invokeSyncOnAnIoThreadIsRefusedInsteadOfDeadlocking() throws Exception {
        CompletableFuture<Throwable> refusal = new CompletableFuture<>();
        loop.client.invokeAsync(loop.address(), RemotingCommand.createRequest(NEVER_ANSWERS), LONG_TIMEOUT_MS)
                .thenAccept(response -> { // attached before the response exists, so it runs on the I/O thread
                    try {
                        loop.client.invokeSync(loop.address(), RemotingCommand.createRequest(ECHO), 1000);
                        refusal.complete(null);
                    } catch (Throwable t) {
                        refusal.complete(t);
                    }
                });
        await().atMost(10, TimeUnit.SECONDS).until(() -> parkedCount() == 1);

        synchronized (parked) {
            parked.get(0).complete(RemotingCommand.success());
        }

        assertThat(refusal.get(10, TimeUnit.SECONDS)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("invokeAsync");
    }

    @Test
    void shuttingDownFailsPendingCallsAndRefusesNewOnes() {
        CompletableFuture<RemotingCommand> call = loop.client.invokeAsync(loop.address(),
                RemotingCommand.createRequest(NEVER_ANSWERS), LONG_TIMEOUT_MS);
        await().atMost(10, TimeUnit.SECONDS).until(() -> parkedCount() == 1);

        loop.client.shutdown();

        assertThat(call).isCompletedExceptionally();
        assertThatThrownBy(() -> loop.client.invokeAsync(loop.address(), RemotingCommand.createRequest(ECHO), 1000))
                .isInstanceOf(IllegalStateException.class);
    }

    private int parkedCount() {
        synchronized (parked) {
            return parked.size();
        }
    }
}
