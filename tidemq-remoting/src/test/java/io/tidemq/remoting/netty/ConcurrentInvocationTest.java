package io.tidemq.remoting.netty;

import io.tidemq.remoting.SyncRequestProcessor;
import io.tidemq.remoting.protocol.RemotingCommand;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

class ConcurrentInvocationTest {

    private static final int ECHO = 1;
    private static final int CALLS = 10_000;

    private final Loopback loop = new Loopback();
    private final LeakWatch leaks = new LeakWatch();

    @AfterEach
    void stop() {
        loop.close();
        leaks.close();
    }

    @Test
    void tenThousandInFlightAsyncCallsEachGetTheirOwnResponse() throws Exception {
        // responses are held back until every request is in flight, then released in reverse order,
        // so correlation cannot rely on ordering
        CountDownLatch allReceived = new CountDownLatch(CALLS);
        List<Map.Entry<Long, CompletableFuture<RemotingCommand>>> held = new ArrayList<>(CALLS);
        loop.server.registerProcessor(ECHO, (ch, req) -> {
            CompletableFuture<RemotingCommand> answer = new CompletableFuture<>();
            synchronized (held) {
                held.add(Map.entry(req.fieldAsLong("i"), answer));
            }
            allReceived.countDown();
            return answer;
        });
        loop.start();

        List<CompletableFuture<RemotingCommand>> calls = new ArrayList<>(CALLS);
        for (int i = 0; i < CALLS; i++) {
            calls.add(loop.client.invokeAsync(loop.address(),
                    RemotingCommand.createRequest(ECHO).putField("i", i), 60_000));
        }
        assertThat(allReceived.await(60, TimeUnit.SECONDS)).isTrue();
        assertThat(loop.client.pendingRequestCount()).isEqualTo(CALLS);
        synchronized (held) {
            for (int k = held.size() - 1; k >= 0; k--) {
                long i = held.get(k).getKey();
                held.get(k).getValue().complete(RemotingCommand.success().putField("i", i)
                        .setBody(ByteBuffer.allocate(8).putLong(i * 31).array()));
            }
        }

        for (int i = CALLS - 1; i >= 0; i--) {
            RemotingCommand response = calls.get(i).get(60, TimeUnit.SECONDS);
            assertThat(response.fieldAsLong("i")).isEqualTo(i);
            assertThat(ByteBuffer.wrap(response.body()).getLong()).isEqualTo(i * 31L);
        }
        assertThat(loop.client.pendingRequestCount()).isZero();
        leaks.assertNoLeaks();
    }

    @Test
    void manyThreadsCallingSyncShareOneConnectionCorrectly() throws Exception {
        loop.server.registerProcessor(ECHO, SyncRequestProcessor.of((ch, req) ->
                RemotingCommand.success().putField("i", req.field("i"))));
        loop.start();
        int threads = 8;
        int callsPerThread = 300;
        ExecutorService callers = Executors.newFixedThreadPool(threads);
        try {
            List<CompletableFuture<Integer>> mismatches = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                mismatches.add(CompletableFuture.supplyAsync(() -> {
                    int wrong = 0;
                    for (int i = 0; i < callsPerThread; i++) {
                        String id = thread + "-" + i;
                        try {
                            RemotingCommand r = loop.client.invokeSync(loop.address(),
                                    RemotingCommand.createRequest(ECHO).putField("i", id), 30_000);
                            if (!id.equals(r.field("i"))) {
                                wrong++;
                            }
                        } catch (Exception e) {
                            throw new IllegalStateException(e);
                        }
                    }
                    return wrong;
                }, callers));
            }
            for (CompletableFuture<Integer> m : mismatches) {
                assertThat(m.get(60, TimeUnit.SECONDS)).isZero();
            }
        } finally {
            callers.shutdownNow();
        }
    }
}
