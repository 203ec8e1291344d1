package io.tidemq.remoting.netty;

import io.tidemq.common.protocol.RequestCode;
import io.tidemq.common.protocol.ResponseCode;
import io.tidemq.remoting.RemotingChannel;
import io.tidemq.remoting.SyncRequestProcessor;
import io.tidemq.remoting.protocol.RemotingCommand;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ServerToClientRequestTest {

    private final Loopback loop = new Loopback();
    /** The server-side channel of the client's connection, captured from its heartbeat. */
    private final CompletableFuture<RemotingChannel> clientChannel = new CompletableFuture<>();

    @BeforeEach
    void start() throws Exception {
        loop.server.registerProcessor(RequestCode.HEART_BEAT, SyncRequestProcessor.of((ch, req) -> {
            clientChannel.complete(ch);
            return RemotingCommand.success();
        }));
        loop.client.registerProcessor(RequestCode.CHECK_TRANSACTION_STATE, SyncRequestProcessor.of((ch, req) ->
                RemotingCommand.createResponse(ResponseCode.TRANSACTION_SHOULD_COMMIT, null)
                        .putField("transactionId", req.field("transactionId"))));
        loop.start();
        loop.client.invokeSync(loop.address(), RemotingCommand.createRequest(RequestCode.HEART_BEAT), 5000);
    }

    @AfterEach
    void stop() {
        loop.close();
    }

    @Test
    void theServerCanAskAConnectedClientAndGetItsAnswer() throws Exception {
        RemotingChannel channel = clientChannel.get(5, TimeUnit.SECONDS);
        assertThat(channel.isActive()).isTrue();
        assertThat(channel.remoteAddress()).startsWith("127.0.0.1:");

        RemotingCommand answer = loop.server.invokeSync(channel,
                RemotingCommand.createRequest(RequestCode.CHECK_TRANSACTION_STATE).putField("transactionId", "tx-9"), 5000);

        assertThat(answer.code()).isEqualTo(ResponseCode.TRANSACTION_SHOULD_COMMIT.code());
        assertThat(answer.field("transactionId")).isEqualTo("tx-9");
        assertThat(loop.server.pendingRequestCount()).isZero();
    }

    @Test
    void theServerCanSendAOneWayNotificationToAClient() throws Exception {
        CountDownLatch notified = new CountDownLatch(1);
        loop.client.registerProcessor(RequestCode.NOTIFY_CONSUMER_IDS_CHANGED, SyncRequestProcessor.of((ch, req) -> {
            notified.countDown();
            return null;
        }));

        loop.server.invokeOneway(clientChannel.get(5, TimeUnit.SECONDS),
                RemotingCommand.createRequest(RequestCode.NOTIFY_CONSUMER_IDS_CHANGED)).get(5, TimeUnit.SECONDS);

        assertThat(notified.await(5, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void aClientWithoutTheProcessorAnswersRequestCodeNotSupported() throws Exception {
        RemotingCommand answer = loop.server.invokeAsync(clientChannel.get(5, TimeUnit.SECONDS),
                RemotingCommand.createRequest(RequestCode.GET_BROKER_RUNTIME_INFO), 5000).get(5, TimeUnit.SECONDS);

        assertThat(answer.code()).isEqualTo(ResponseCode.REQUEST_CODE_NOT_SUPPORTED.code());
    }

    @Test
    void theServerRefusesChannelsItDoesNotOwn() {
        RemotingChannel foreign = new RemotingChannel() {
            @Override
            public String remoteAddress() {
                return "x:1";
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
        };
        assertThatThrownBy(() ->
                        loop.server.invokeAsync(foreign, RemotingCommand.createRequest(1), 1000))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
