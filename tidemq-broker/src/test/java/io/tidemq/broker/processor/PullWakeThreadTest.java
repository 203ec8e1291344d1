package io.tidemq.broker.processor;

import io.tidemq.broker.BrokerController;
import io.tidemq.broker.BrokerFixture;
import io.tidemq.broker.config.BrokerConfig;
import io.tidemq.common.protocol.ResponseCode;
import io.tidemq.remoting.RemotingChannel;
import io.tidemq.remoting.protocol.RemotingCommand;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Which thread reads a pull ({@code livePullsOnIoThread}, the default): a pull at its queue's end is held from the
 * thread it arrived on (the I/O thread) and read on its connection's I/O thread when a message arrives; a pull with
 * records to read, or whose deadline passed, reads on the pull executor, as every pull does with the key off.
 */
class PullWakeThreadTest {

    @TempDir
    Path dir;

    private BrokerFixture fx;
    /** Stands for the connection's I/O thread; the test's. */
    private final ExecutorService ioThread = Executors.newSingleThreadExecutor(r -> new Thread(r, "test-io"));
    /** Stands for the pull executor; the test's. */
    private final ExecutorService pullThread = Executors.newSingleThreadExecutor(r -> new Thread(r, "test-pull"));
    /** Tasks handed to each; incremented by the handing thread (dispatch, sweeper), read by the test. */
    private final AtomicInteger onIoThread = new AtomicInteger();
    private final AtomicInteger onPullExecutor = new AtomicInteger();

    @BeforeEach
    void start() {
        fx = new BrokerFixture(dir);
        fx.createTopic("wake", 1);
    }

    @AfterEach
    void stop() {
        ioThread.shutdownNow();
        pullThread.shutdownNow();
        fx.close();
    }

    @Test
    void aHeldPullWokenByAnArrivalIsReadAndAnsweredOnItsConnectionsIoThread() throws Exception {
        assertThat(BrokerConfig.builder().build().livePullsOnIoThread()).isTrue();
        CompletableFuture<RemotingCommand> pull = holdPull(processor(true), 30_000);

        fx.sendOk("wake", 0, "hello", Map.of());

        RemotingCommand r = pull.get(10, TimeUnit.SECONDS);
        assertThat(r.code()).as(r.toString()).isEqualTo(ResponseCode.SUCCESS.code());
        assertThat(BrokerFixture.messages(r)).extracting(m -> new String(m.body(), StandardCharsets.UTF_8))
                .containsExactly("hello");
        assertThat(onIoThread).hasValue(1);
        assertThat(onPullExecutor).as("held and woken without the pull executor").hasValue(0);
    }

    @Test
    void aPullWithRecordsToReadIsReadOnThePullExecutor() throws Exception {
        fx.sendOk("wake", 0, "waiting", Map.of());
        fx.awaitQueueEnd("wake", 0, 1);

        RemotingCommand r = processor(true).processRequest(new IoThreadChannel(),
                BrokerFixture.pullRequest("g", "wake", 0, 0, 32, 30_000, "*")).get(10, TimeUnit.SECONDS);

        assertThat(BrokerFixture.messages(r)).extracting(m -> new String(m.body(), StandardCharsets.UTF_8))
                .containsExactly("waiting");
        assertThat(onPullExecutor).hasValue(1);
        assertThat(onIoThread).hasValue(0);
    }

    @Test
    void withTheKeyOffAWokenPullIsReadOnThePullExecutor() throws Exception {
        CompletableFuture<RemotingCommand> pull = holdPull(processor(false), 30_000);

        fx.sendOk("wake", 0, "hello", Map.of());

        assertThat(pull.get(10, TimeUnit.SECONDS).code()).isEqualTo(ResponseCode.SUCCESS.code());
        assertThat(onPullExecutor).hasValue(1);
        assertThat(onIoThread).hasValue(0);
    }

    @Test
    void anExpiredPullIsAnsweredFromThePullExecutor() throws Exception {
        CompletableFuture<RemotingCommand> pull = holdPull(processor(true), 300);

        assertThat(pull.get(10, TimeUnit.SECONDS).code()).isEqualTo(ResponseCode.PULL_NOT_FOUND.code());
        assertThat(onPullExecutor).hasValue(1);
        assertThat(onIoThread).hasValue(0);
    }

    /** A processor over the fixture broker's topics and store, with the test's executor and I/O thread. */
    private PullMessageProcessor processor(boolean wakeOnIoThread) {
        BrokerController b = fx.broker();
        BrokerConfig config = b.config().toBuilder().livePullsOnIoThread(wakeOnIoThread).build();
        return new PullMessageProcessor(() -> config, b.topicConfigManager(), b.consumerOffsetManager(),
                b.messageStore(), b.pullRequestHoldService(), task -> {
                    onPullExecutor.incrementAndGet();
                    pullThread.execute(task);
                }, b.stats(), b.queueLockTable(), group -> null);
    }

    /** Sends a long-polling pull of the empty queue from offset 0 and waits until the broker holds it. */
    private CompletableFuture<RemotingCommand> holdPull(PullMessageProcessor processor, long suspendMs) {
        CompletableFuture<RemotingCommand> pull = processor.processRequest(new IoThreadChannel(),
                BrokerFixture.pullRequest("g", "wake", 0, 0, 32, suspendMs, "*"));
        await().atMost(Duration.ofSeconds(10))
                .until(() -> pull.isDone() || fx.broker().pullRequestHoldService().heldCount() == 1);
        assertThat(pull).as("the queue is empty: the pull is held").isNotDone();
        return pull;
    }

    /** A connection whose I/O thread is the test's {@code ioThread}. */
    private final class IoThreadChannel implements RemotingChannel {
        @Override
        public String remoteAddress() {
            return "127.0.0.1:40000";
        }

        @Override
        public boolean isActive() {
            return true;
        }

        @Override
        public boolean isWritable() {
            return true;
        }

        @Override
        public void close() {
        }

        @Override
        public void executeOnIoThread(Runnable task) {
            onIoThread.incrementAndGet();
            ioThread.execute(task);
        }
    }
}
