package io.tidemq.broker.longpolling;

import io.tidemq.broker.BrokerFixture;
import io.tidemq.common.message.MessageConst;
import io.tidemq.common.protocol.ResponseCode;
import io.tidemq.common.protocol.header.Headers;
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
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class LongPollingIntegrationTest {

    @TempDir
    Path dir;

    private BrokerFixture fx;

    @BeforeEach
    void start() {
        fx = new BrokerFixture(dir);
        fx.createTopic("orders", 2);
    }

    @AfterEach
    void stop() {
        fx.close();
    }

    private CompletableFuture<RemotingCommand> pullAsync(long offset, long suspendMs, String subscription) {
        return fx.client().invokeAsync(fx.address(),
                BrokerFixture.pullRequest("g", "orders", 1, offset, 32, suspendMs, subscription), suspendMs + 10_000);
    }

    @Test
    void heldPullIsAnsweredAsSoonAsAMessageArrivesLongBeforeItsTimeout() throws Exception {
        CompletableFuture<RemotingCommand> pull = pullAsync(0, 30_000, "*");
        await().atMost(Duration.ofSeconds(10)).until(() -> fx.broker().pullRequestHoldService().heldCount() == 1);
        long sentAt = System.nanoTime();

        fx.sendOk("orders", 1, "wake up", Map.of());

        RemotingCommand r = pull.get(10, TimeUnit.SECONDS);
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - sentAt)).isLessThan(10_000);
        assertThat(r.code()).as(r.toString()).isEqualTo(ResponseCode.SUCCESS.code());
        assertThat(BrokerFixture.messages(r)).extracting(m -> new String(m.body(), StandardCharsets.UTF_8))
                .containsExactly("wake up");
        assertThat(fx.broker().pullRequestHoldService().heldCount()).isZero();
    }

    @Test
    void heldPullTimesOutWithPullNotFoundWhenNothingArrives() throws Exception {
        long start = System.nanoTime();

        RemotingCommand r = pullAsync(0, 300, "*").get(10, TimeUnit.SECONDS);

        assertThat(r.code()).isEqualTo(ResponseCode.PULL_NOT_FOUND.code());
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isGreaterThanOrEqualTo(290);
        assertThat(r.readHeader(Headers.PullMessageResponse.class).nextBeginOffset()).isZero();
    }

    @Test
    void arrivalsThatDoNotMatchTheTagKeepThePullHeldPastThem() throws Exception {
        CompletableFuture<RemotingCommand> pull = pullAsync(0, 30_000, "A");
        await().atMost(Duration.ofSeconds(10)).until(() -> fx.broker().pullRequestHoldService().heldCount() == 1);

        fx.sendOk("orders", 1, "other", Map.of(MessageConst.TAGS, "B"));
        await().atMost(Duration.ofSeconds(10)).until(() -> fx.broker().messageStore().maxQueueOffset("orders", 1) == 1
                && fx.broker().pullRequestHoldService().heldCount() == 1);
        assertThat(pull).isNotDone();
        fx.sendOk("orders", 1, "mine", Map.of(MessageConst.TAGS, "A"));

        RemotingCommand r = pull.get(10, TimeUnit.SECONDS);
        assertThat(BrokerFixture.messages(r)).extracting(m -> new String(m.body(), StandardCharsets.UTF_8))
                .containsExactly("mine");
        assertThat(r.readHeader(Headers.PullMessageResponse.class).nextBeginOffset()).isEqualTo(2);
    }

    @Test
    void closingTheBrokerAnswersHeldPulls() throws Exception {
        CompletableFuture<RemotingCommand> pull = pullAsync(0, 30_000, "*");
        await().atMost(Duration.ofSeconds(10)).until(() -> fx.broker().pullRequestHoldService().heldCount() == 1);

        fx.broker().close();

        assertThat(pull.get(10, TimeUnit.SECONDS).code()).isEqualTo(ResponseCode.PULL_NOT_FOUND.code());
    }
}
