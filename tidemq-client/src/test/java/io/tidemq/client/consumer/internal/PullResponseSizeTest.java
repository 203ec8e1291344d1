package io.tidemq.client.consumer.internal;

import io.tidemq.client.instance.ClientInstance;
import io.tidemq.client.remoting.ClientRemotingApi;
import io.tidemq.client.remoting.PullAnswer;

import io.tidemq.broker.BrokerController;
import io.tidemq.broker.config.BrokerConfig;
import io.tidemq.broker.config.BrokerConfigException;
import io.tidemq.client.ClientConfig;
import io.tidemq.common.json.Json;
import io.tidemq.common.message.MessageExt;
import io.tidemq.common.protocol.RequestCode;
import io.tidemq.common.protocol.ResponseCode;
import io.tidemq.common.protocol.header.Headers;
import io.tidemq.common.route.TopicConfig;
import io.tidemq.remoting.protocol.FrameLayout;
import io.tidemq.remoting.protocol.RemotingCommand;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * messaging-audit #17: the broker's pull responses and the client's frame limit agree. A broker may be set to
 * pull up to 64 MiB per response; a client reads any response a broker can build, and the broker can send it.
 */
class PullResponseSizeTest {

    private static final int MESSAGE_BYTES = 3 << 20;
    private static final int MESSAGES = 8;

    @TempDir
    Path dir;

    private static BrokerConfig.Builder broker(Path dir) {
        return BrokerConfig.builder()
                .brokerName("broker-big")
                .brokerIp("127.0.0.1")
                .bindAddress("127.0.0.1")
                .listenPort(0)
                .storePath(dir)
                .maxMessageBytes(4 << 20)
                .storeProperty("commitLogFileBytes", Integer.toString(32 << 20))
                .storeProperty("warmMappedFiles", "false")
                .storeProperty("preallocateNextFile", "false");
    }

    @Test
    void aPullLargerThanSixteenMebibytesReachesTheClient() throws Exception {
        try (BrokerController real = new BrokerController(broker(dir).maxPullBytes(32 << 20).build())) {
            real.start();
            ClientInstance client = ClientInstance.acquire(ClientConfig.builder().namesrvAddrs("127.0.0.1:9")
                    .instanceName("pull-size").clientIp("127.0.0.1").build());
            try {
                ClientRemotingApi api = client.api();
                assertThat(api.call("create", real.address(), RemotingCommand.createRequest(RequestCode.CREATE_TOPIC)
                        .setBody(Json.toBytes(TopicConfig.of("big", 1)))).code()).isZero();
                for (int i = 0; i < MESSAGES; i++) {
                    RemotingCommand sent = api.call("send", real.address(),
                            RemotingCommand.createRequest(RequestCode.SEND_MESSAGE)
                                    .writeHeader(new Headers.SendMessageRequest("pg", "big", 0, 0,
                                            System.currentTimeMillis(), 0, null, 0, false))
                                    .setBody(new byte[MESSAGE_BYTES]));
                    assertThat(sent.code()).as(sent.remark()).isZero();
                }
                await().atMost(Duration.ofSeconds(10))
                        .until(() -> real.messageStore().maxQueueOffset("big", 0) == MESSAGES);

                PullAnswer pulled = api.pull(real.address(), new Headers.PullMessageRequest("g", "big", 0, 0,
                        32, -1, 0, "*", null), 10_000).get(15, TimeUnit.SECONDS);

                assertThat(pulled.code()).as(pulled.remark()).isEqualTo(ResponseCode.SUCCESS.code());
                List<MessageExt> msgs = pulled.messages();
                assertThat(msgs).hasSize(MESSAGES);
                assertThat(pulled.bodyBytes()).isGreaterThan(FrameLayout.DEFAULT_MAX_FRAME_BYTES);
            } finally {
                client.release();
            }
        }
    }

    @Test
    void aPullSizeNoClientCouldReadIsRefusedAtStart() {
        assertThatThrownBy(() -> broker(dir).maxPullBytes(128 << 20).build())
                .isInstanceOf(BrokerConfigException.class).hasMessageContaining("maxPullBytes");
        assertThat(FrameLayout.CLIENT_MAX_FRAME_BYTES)
                .isGreaterThanOrEqualTo(FrameLayout.MAX_PULL_RESPONSE_BODY_BYTES + (1 << 20));
    }
}
