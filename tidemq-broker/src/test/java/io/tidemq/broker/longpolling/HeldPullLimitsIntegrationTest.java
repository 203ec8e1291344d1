package io.tidemq.broker.longpolling;

import io.tidemq.broker.BrokerFixture;
import io.tidemq.common.protocol.ResponseCode;
import io.tidemq.remoting.netty.NettyClientConfig;
import io.tidemq.remoting.netty.NettyRemotingClient;
import io.tidemq.remoting.protocol.RemotingCommand;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** A client pipelining long-polling pulls cannot make the broker hold more than its limits. */
class HeldPullLimitsIntegrationTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    @TempDir
    Path dir;

    private BrokerFixture fx;
    private final List<NettyRemotingClient> clients = new ArrayList<>();

    @BeforeEach
    void start() {
        fx = new BrokerFixture(dir, b -> b.longPollingMaxHeldPerConnection(20).longPollingMaxHeld(30));
        fx.createTopic("orders", 1);
    }

    @AfterEach
    void stop() {
        clients.forEach(NettyRemotingClient::shutdown);
        fx.close();
    }

    private NettyRemotingClient connection() {
        NettyRemotingClient c = new NettyRemotingClient(NettyClientConfig.defaults());
        c.start();
        clients.add(c);
        return c;
    }

    private List<CompletableFuture<RemotingCommand>> pipelinePulls(NettyRemotingClient c, int n) {
        List<CompletableFuture<RemotingCommand>> pulls = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            pulls.add(c.invokeAsync(fx.address(),
                    BrokerFixture.pullRequest("g", "orders", 0, 0, 32, 30_000, "*"), 40_000));
        }
        return pulls;
    }

    private static long busy(List<CompletableFuture<RemotingCommand>> pulls) {
        return pulls.stream().filter(CompletableFuture::isDone)
                .filter(f -> f.join().code() == ResponseCode.SYSTEM_BUSY.code()).count();
    }

    @Test
    void pullsBeyondTheConnectionsLimitAreRefusedAtOnceAndTheHeldOnesStillGetTheirMessage() throws Exception {
        NettyRemotingClient c = connection();

        List<CompletableFuture<RemotingCommand>> pulls = pipelinePulls(c, 100);

        await().atMost(WAIT).until(() -> busy(pulls) == 80);
        assertThat(fx.broker().pullRequestHoldService().heldCount()).isEqualTo(20);
        fx.sendOk("orders", 0, "hello", java.util.Map.of());
        for (CompletableFuture<RemotingCommand> p : pulls) {
            RemotingCommand r = p.get(10, TimeUnit.SECONDS);
            assertThat(r.code()).isIn(ResponseCode.SUCCESS.code(), ResponseCode.SYSTEM_BUSY.code());
        }
        assertThat(pulls.stream().filter(p -> p.join().code() == ResponseCode.SUCCESS.code())).hasSize(20);
        assertThat(fx.broker().pullRequestHoldService().heldCount()).isZero();
    }

    @Test
    void theBrokerWideLimitCapsHeldPullsOfAllConnectionsTogether() {
        List<CompletableFuture<RemotingCommand>> first = pipelinePulls(connection(), 20);
        await().atMost(WAIT).until(() -> fx.broker().pullRequestHoldService().heldCount() == 20);

        List<CompletableFuture<RemotingCommand>> second = pipelinePulls(connection(), 20);

        await().atMost(WAIT).until(() -> busy(second) == 10);
        assertThat(fx.broker().pullRequestHoldService().heldCount()).isEqualTo(30);
        assertThat(busy(first)).isZero();
    }
}
