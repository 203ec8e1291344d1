package io.tidemq.broker.admin;

import io.tidemq.broker.BrokerFixture;
import io.tidemq.common.message.MessageConst;
import io.tidemq.common.message.MessageExt;
import io.tidemq.common.protocol.RequestCode;
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
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class MessageQueryIntegrationTest {

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

    private RemotingCommand byKey(String key) {
        return fx.invoke(RemotingCommand.createRequest(RequestCode.QUERY_MESSAGE_BY_KEY)
                .writeHeader(new Headers.MessageKeyRequest("orders", key, 10, 0, System.currentTimeMillis() + 60_000)));
    }

    @Test
    void messageIsFoundByTheIdItsSendReturned() {
        fx.sendOk("orders", 0, "first", Map.of());
        String id = fx.sendOk("orders", 1, "second", Map.of()).msgId();

        RemotingCommand r = fx.invoke(RemotingCommand.createRequest(RequestCode.QUERY_MESSAGE_BY_ID)
                .writeHeader(new Headers.MessageIdRequest(id)));

        assertThat(r.code()).as(r.toString()).isZero();
        List<MessageExt> found = BrokerFixture.messages(r);
        assertThat(found).hasSize(1);
        assertThat(found.get(0).msgId()).isEqualTo(id);
        assertThat(new String(found.get(0).body(), StandardCharsets.UTF_8)).isEqualTo("second");
    }

    @Test
    void malformedOrUnknownIdsAreAnsweredClearly() {
        RemotingCommand malformed = fx.invoke(RemotingCommand.createRequest(RequestCode.QUERY_MESSAGE_BY_ID)
                .writeHeader(new Headers.MessageIdRequest("not-an-id")));
        RemotingCommand unknown = fx.invoke(RemotingCommand.createRequest(RequestCode.QUERY_MESSAGE_BY_ID)
                .writeHeader(new Headers.MessageIdRequest("7F0000010000271100000000000FFFFF")));

        assertThat(malformed.code()).isEqualTo(ResponseCode.INVALID_PARAMETER.code());
        assertThat(malformed.remark()).contains("32 hexadecimal");
        assertThat(unknown.code()).isEqualTo(ResponseCode.QUERY_NOT_FOUND.code());
    }

    @Test
    void messagesAreFoundByBusinessKey() {
        fx.sendOk("orders", 0, "o1", Map.of(MessageConst.KEYS, "order-1 customer-9"));
        fx.sendOk("orders", 1, "o2", Map.of(MessageConst.KEYS, "order-2 customer-9"));
        fx.sendOk("orders", 1, "o3", Map.of(MessageConst.KEYS, "order-3"));

        // the key index is built by the dispatcher, shortly after the send is acknowledged
        await().atMost(Duration.ofSeconds(10)).until(() -> byKey("customer-9").code() == 0
                && BrokerFixture.messages(byKey("customer-9")).size() == 2);

        assertThat(BrokerFixture.messages(byKey("customer-9")))
                .extracting(m -> new String(m.body(), StandardCharsets.UTF_8)).containsExactlyInAnyOrder("o1", "o2");
        assertThat(BrokerFixture.messages(byKey("order-3"))).hasSize(1);
        assertThat(byKey("order-404").code()).isEqualTo(ResponseCode.QUERY_NOT_FOUND.code());
    }
}
