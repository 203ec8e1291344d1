package io.tidemq.remoting.netty;

import io.tidemq.remoting.SyncRequestProcessor;
import io.tidemq.remoting.exception.RemotingTimeoutException;
import io.tidemq.remoting.protocol.RemotingCommand;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@code invokeAsync} with a {@link io.tidemq.remoting.ResponseBodyReader}: the response body is read where it
 * arrived, on the network thread, and the buffer under it is released in every outcome (run with Netty's leak
 * detection at paranoid, as the build does).
 */
class ResponseBodyInPlaceTest {

    private static final int ECHO = 1;
    private static final int LATE = 2;
    private static final long TIMEOUT_MS = 10_000;

    private final Loopback loop = new Loopback();
    private final LeakWatch leaks = new LeakWatch();
    private final ExecutorService pool = Executors.newSingleThreadExecutor();

    @AfterEach
    void stop() {
        loop.close();
        leaks.close();
        pool.shutdownNow();
    }

    private void startEcho() {
        loop.server.registerProcessor(ECHO, SyncRequestProcessor.of((ch, req) -> RemotingCommand.success()
                .putField("n", req.field("n")).setBody(req.body())));
        loop.start();
    }

    @Test
    void aReaderReadsTheBodyInPlaceOnTheNetworkThreadAndKeepsOnlyWhatItCopies() throws Exception {
        startEcho();
        for (int n = 0; n < 200; n++) {
            byte[] sent = new byte[64 * 1024 + n];
            Arrays.fill(sent, (byte) n);
            int expected = n;
            byte[] read = loop.client.invokeAsync(loop.address(),
                    RemotingCommand.createRequest(ECHO).putField("n", n).setBody(sent), TIMEOUT_MS,
                    (response, body) -> {
                        assertThat(Thread.currentThread().getName()).contains("-io");
                        assertThat(response.fieldAsLong("n")).isEqualTo(expected);
                        assertThat(response.body()).as("the body is not copied into the response").isEmpty();
                        assertThat(body.isReadOnly()).isTrue();
                        byte[] copy = new byte[body.remaining()];
                        body.get(copy);
                        return copy;
                    }).get(TIMEOUT_MS, TimeUnit.MILLISECONDS);
            assertThat(read).isEqualTo(sent);
        }
        assertThat(loop.client.pendingRequestCount()).isZero();
        leaks.assertNoLeaks();
    }

    @Test
    void anEmptyBodyReachesTheReaderAsAnEmptyView() throws Exception {
        startEcho();
        Integer remaining = loop.client.invokeAsync(loop.address(), RemotingCommand.createRequest(ECHO)
                .putField("n", 1), TIMEOUT_MS, (response, body) -> body.remaining()).get(TIMEOUT_MS, TimeUnit.MILLISECONDS);
        assertThat(remaining).isZero();
    }

    @Test
    void aReaderThatThrowsFailsItsCallAndTheBodyIsStillReleased() throws Exception {
        startEcho();
        CompletableFuture<Object> call = loop.client.invokeAsync(loop.address(), RemotingCommand.createRequest(ECHO)
                .putField("n", 1).setBody(new byte[4096]), TIMEOUT_MS, (response, body) -> {
                    throw new IllegalStateException("malformed body");
                });
        assertThatThrownBy(() -> call.get(TIMEOUT_MS, TimeUnit.MILLISECONDS))
                .isInstanceOf(ExecutionException.class).hasRootCauseMessage("malformed body");
        CompletableFuture<Object> erring = loop.client.invokeAsync(loop.address(), RemotingCommand.createRequest(ECHO)
                .putField("n", 1).setBody(new byte[16]), TIMEOUT_MS, (response, body) -> {
                    throw new StackOverflowError("an Error, not an exception");
                });
        assertThatThrownBy(() -> erring.get(TIMEOUT_MS, TimeUnit.MILLISECONDS))
                .as("an Error thrown by the reader completes the call too").isInstanceOf(ExecutionException.class)
                .hasRootCauseInstanceOf(StackOverflowError.class);
        // the connection is still usable
        byte[] again = loop.client.invokeSync(loop.address(), RemotingCommand.createRequest(ECHO).putField("n", 2)
                .setBody(new byte[]{9}), TIMEOUT_MS).body();
        assertThat(again).containsExactly(9);
        leaks.assertNoLeaks();
    }

    @Test
    void aResponseThatArrivesAfterItsCallTimedOutIsReleasedUnread() throws Exception {
        CountDownLatch answer = new CountDownLatch(1);
        loop.server.registerProcessor(ECHO, SyncRequestProcessor.of((ch, req) -> RemotingCommand.success()
                .setBody(req.body())));
        loop.server.registerProcessor(LATE, SyncRequestProcessor.of((ch, req) -> {
            answer.await();
            return RemotingCommand.success().setBody(new byte[32 * 1024]);
        }), pool);
        loop.start();

        CompletableFuture<Object> late = loop.client.invokeAsync(loop.address(), RemotingCommand.createRequest(LATE),
                100, (response, body) -> {
                    throw new AssertionError("a timed-out call must not read a late body");
                });
        assertThatThrownBy(() -> late.get(TIMEOUT_MS, TimeUnit.MILLISECONDS))
                .hasCauseInstanceOf(RemotingTimeoutException.class);
        answer.countDown();
        // the same connection answers in order: once this answer is read, the late one was handled before it
        byte[] after = loop.client.invokeAsync(loop.address(), RemotingCommand.createRequest(ECHO)
                .setBody(new byte[]{5}), TIMEOUT_MS, (response, body) -> {
                    byte[] copy = new byte[body.remaining()];
                    body.get(copy);
                    return copy;
                }).get(TIMEOUT_MS, TimeUnit.MILLISECONDS);
        assertThat(after).containsExactly(5);
        leaks.assertNoLeaks();
    }
}
