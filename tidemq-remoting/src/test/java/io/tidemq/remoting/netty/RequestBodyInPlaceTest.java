package io.tidemq.remoting.netty;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.tidemq.common.protocol.ResponseCode;
import io.tidemq.remoting.RemotingChannel;
import io.tidemq.remoting.RequestProcessor;
import io.tidemq.remoting.SyncRequestProcessor;
import io.tidemq.remoting.protocol.RemotingCommand;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A request's body read in place by a processor that asks for it ({@link RequestProcessor#readsBodyInPlace()}): a
 * view of the receive buffer, not a copy, released by the transport once {@code processRequest} returned, in every
 * outcome (run with Netty's leak detection at paranoid, as the build does).
 */
class RequestBodyInPlaceTest {

    private static final int IN_PLACE = 1;
    private static final int COPIED = 2;
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

    /** A processor reading bodies in place, answering with the body's sum; it keeps the buffer it was lent. */
    private static final class InPlaceSum implements RequestProcessor {
        final AtomicReference<ByteBuf> lent = new AtomicReference<>();
        volatile CompletableFuture<RemotingCommand> answer;
        volatile RuntimeException failure;

        @Override
        public boolean readsBodyInPlace() {
            return true;
        }

        @Override
        public CompletableFuture<RemotingCommand> processRequest(RemotingChannel channel, RemotingCommand request) {
            ByteBuf body = request.bodyBuffer();
            lent.set(body);
            assertThat(body.refCnt()).as("readable while the processor runs").isPositive();
            long sum = 0;
            for (int i = body.readerIndex(); i < body.writerIndex(); i++) {
                sum += body.getByte(i);
            }
            assertThat(request.bodyBytes()).isEqualTo(body.readableBytes());
            if (failure != null) {
                throw failure;
            }
            RemotingCommand response = RemotingCommand.success().putField("sum", sum);
            return answer != null ? answer.thenApply(ignored -> response) : CompletableFuture.completedFuture(response);
        }
    }

    private static byte[] body(int size, int seed) {
        byte[] body = new byte[size];
        Arrays.fill(body, (byte) seed);
        return body;
    }

    private RemotingCommand invoke(int code, byte[] body) throws Exception {
        return loop.client.invokeSync(loop.address(), RemotingCommand.createRequest(code).setBody(body), TIMEOUT_MS);
    }

    @Test
    void aProcessorReadingInPlaceSeesTheReceiveBufferWhichIsReleasedWhenItReturns() throws Exception {
        InPlaceSum sum = new InPlaceSum();
        loop.server.registerProcessor(IN_PLACE, sum, Runnable::run);
        loop.server.registerProcessor(IN_PLACE + 10, sum, pool);
        loop.start();
        for (int code : new int[]{IN_PLACE, IN_PLACE + 10}) {
            for (int n = 1; n < 50; n++) {
                RemotingCommand r = invoke(code, body(8 * 1024 + n, n));
                assertThat(r.code()).as(r.toString()).isZero();
                assertThat(r.fieldAsLong("sum")).isEqualTo((long) n * (8 * 1024 + n));
                assertThat(sum.lent.get().refCnt()).as("released once processRequest returned").isZero();
            }
        }
        leaks.assertNoLeaks();
    }

    @Test
    void theBodyIsReleasedWhenProcessRequestReturnsNotWhenItsFutureCompletes() throws Exception {
        InPlaceSum sum = new InPlaceSum();
        sum.answer = new CompletableFuture<>();
        loop.server.registerProcessor(IN_PLACE, sum, Runnable::run);
        loop.start();
        CompletableFuture<RemotingCommand> call = new CompletableFuture<>();
        loop.client.invokeAsync(loop.address(), RemotingCommand.createRequest(IN_PLACE).setBody(body(4096, 1)),
                TIMEOUT_MS).whenComplete((r, t) -> {
                    if (t != null) {
                        call.completeExceptionally(t);
                    } else {
                        call.complete(r);
                    }
                });
        org.awaitility.Awaitility.await().until(() -> sum.lent.get() != null && sum.lent.get().refCnt() == 0);
        assertThat(call).isNotDone();
        sum.answer.complete(null);
        assertThat(call.get(TIMEOUT_MS, TimeUnit.MILLISECONDS).fieldAsLong("sum")).isEqualTo(4096);
        leaks.assertNoLeaks();
    }

    @Test
    void aProcessorThatThrowsIsAnsweredSystemErrorAndTheBodyIsReleased() throws Exception {
        InPlaceSum sum = new InPlaceSum();
        sum.failure = new IllegalStateException("processor failed");
        loop.server.registerProcessor(IN_PLACE, sum, Runnable::run);
        loop.start();
        RemotingCommand r = invoke(IN_PLACE, body(2048, 3));
        assertThat(r.code()).isEqualTo(ResponseCode.SYSTEM_ERROR.code());
        assertThat(r.remark()).contains("processor failed");
        assertThat(sum.lent.get().refCnt()).isZero();
        leaks.assertNoLeaks();
    }

    @Test
    void aRequestTheExecutorRefusesIsAnsweredSystemBusyAndItsBodyIsReleased() throws Exception {
        InPlaceSum sum = new InPlaceSum();
        loop.server.registerProcessor(IN_PLACE, sum, task -> {
            throw new RejectedExecutionException("full");
        });
        loop.server.registerProcessor(COPIED, SyncRequestProcessor.of((ch, req) -> RemotingCommand.success()), task -> {
            throw new RejectedExecutionException("full");
        });
        loop.start();
        for (int i = 0; i < 20; i++) {
            assertThat(invoke(IN_PLACE, body(2048, i)).code()).isEqualTo(ResponseCode.SYSTEM_BUSY.code());
            assertThat(invoke(COPIED, body(2048, i)).code()).isEqualTo(ResponseCode.SYSTEM_BUSY.code());
        }
        assertThat(sum.lent.get()).as("never run").isNull();
        leaks.assertNoLeaks();
    }

    @Test
    void aRequestForAnUnknownCodeIsAnsweredAndItsBodyIsReleased() throws Exception {
        loop.start();
        for (int i = 0; i < 20; i++) {
            assertThat(invoke(99, body(2048, i)).code()).isEqualTo(ResponseCode.REQUEST_CODE_NOT_SUPPORTED.code());
        }
        leaks.assertNoLeaks();
    }

    @Test
    void aProcessorThatDoesNotAskGetsAnArrayOfItsOwnItMayKeep() throws Exception {
        AtomicReference<byte[]> kept = new AtomicReference<>();
        loop.server.registerProcessor(COPIED, SyncRequestProcessor.of((ch, req) -> {
            kept.set(req.body());
            assertThat(req.body()).as("the same array each time: not a copy per call").isSameAs(kept.get());
            assertThat(ByteBufUtil.getBytes(req.bodyBuffer())).isEqualTo(kept.get());
            return RemotingCommand.success();
        }), pool);
        loop.start();
        for (int n = 1; n < 20; n++) {
            assertThat(invoke(COPIED, body(4096, n)).code()).isZero();
            assertThat(kept.get()).isEqualTo(body(4096, n));
        }
        leaks.assertNoLeaks();
    }
}
