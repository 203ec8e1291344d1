package io.tidemq.client;

import io.tidemq.client.consumer.PushConsumer;
import io.tidemq.client.producer.Producer;
import io.tidemq.client.remoting.ResponseCodes;
import io.tidemq.common.message.Message;
import io.tidemq.common.names.InvalidNameException;
import io.tidemq.common.protocol.ResponseCode;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.ServerSocket;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * docs/client.md, "Errors and logs": an application catches one type, {@link ClientException}, for what the
 * SDK refuses or fails to do; an unreachable NameServer, a bad name and a lifecycle mistake included.
 */
class ClientExceptionTreeTest {

    @Test
    void anUnreachableNameServerIsARemotingFailureNamingTheAddresses() throws IOException {
        String deadAddr;
        try (ServerSocket s = new ServerSocket(0)) {
            deadAddr = "127.0.0.1:" + s.getLocalPort();
        } // closed: connections are refused
        ClientConfig config = ClientConfig.builder().namesrvAddrs(deadAddr).clientIp("127.0.0.1")
                .instanceName("exception-tree").requestTimeoutMs(2_000).build();
        try (Producer producer = Producer.builder("pg", config).build()) {
            producer.start();
            assertThatThrownBy(() -> producer.send(Message.builder("orders").body("b").build()))
                    .isInstanceOf(ClientException.class)
                    .isInstanceOf(RemotingFailedException.class)
                    .isInstanceOfSatisfying(NameServerUnavailableException.class,
                            e -> assertThat(e.namesrvAddrs()).containsExactly(deadAddr))
                    .hasMessageContaining("NameServer");
        }
    }

    @Test
    void aBadGroupOrTopicNameIsAnInvalidArgumentCausedByTheNamingRule() {
        ClientConfig config = ClientConfig.builder().namesrvAddrs("127.0.0.1:9876").build();
        assertThatThrownBy(() -> Producer.builder("bad group!", config).build())
                .isInstanceOf(InvalidArgumentException.class)
                .hasCauseInstanceOf(InvalidNameException.class)
                .hasMessageContaining("bad group!");
        PushConsumer consumer = PushConsumer.builder("cg", config).build();
        assertThatThrownBy(() -> consumer.subscribe("bad topic!", "*"))
                .isInstanceOf(ClientException.class)
                .isInstanceOf(InvalidArgumentException.class)
                .hasMessageContaining("bad topic!");
    }

    @Test
    void aLifecycleMistakeIsAClientStateException() {
        ClientConfig config = ClientConfig.builder().namesrvAddrs("127.0.0.1:9876").build();
        Producer producer = Producer.builder("pg", config).build();
        assertThatThrownBy(() -> producer.send(Message.builder("orders").body("b").build()))
                .isInstanceOf(ClientException.class)
                .isInstanceOf(ClientStateException.class)
                .hasMessageContaining("start()");
        PushConsumer consumer = PushConsumer.builder("cg", config).build();
        consumer.subscribe("orders", "*");
        assertThatThrownBy(consumer::start).isInstanceOf(ClientStateException.class);
    }

    @Test
    void aBadConfigValueIsAClientException() {
        assertThatThrownBy(() -> ClientConfig.builder().build())
                .isInstanceOf(ClientException.class)
                .isInstanceOf(ClientConfigException.class);
    }

    @Test
    void eachResponseCodeMapsToExactlyOneExceptionType() {
        for (ResponseCode code : ResponseCode.values()) {
            if (code == ResponseCode.SUCCESS) {
                continue;
            }
            ClientException e = ResponseCodes.toException("a request", "127.0.0.1:10911", "orders", code.code(), "why");
            Class<?> expected = code == ResponseCode.TOPIC_NOT_EXIST
                    ? TopicNotFoundException.class : RequestFailedException.class;
            assertThat(e).as(code.name()).isExactlyInstanceOf(expected);
            if (e instanceof RequestFailedException r) {
                assertThat(r.responseCode()).isEqualTo(code);
                assertThat(r.remark()).isEqualTo("why");
                assertThat(r.address()).isEqualTo("127.0.0.1:10911");
            }
        }
    }

    @Test
    void eachResponseCodeMapsToExactlyOneExceptionTypeOnASendCarryingTheCode() {
        for (ResponseCode code : ResponseCode.values()) {
            if (code == ResponseCode.SUCCESS) {
                continue;
            }
            SendFailedException e = ResponseCodes.toSendException("orders", "broker-a (127.0.0.1:10911)", code.code(),
                    "why");
            Class<?> expected = code == ResponseCode.DISK_FULL
                    ? BrokerDiskFullException.class : SendFailedException.class;
            assertThat(e).as(code.name()).isExactlyInstanceOf(expected);
            assertThat(e.responseCode()).isEqualTo(code);
            assertThat(e.remark()).isEqualTo("why");
            assertThat(e.getMessage()).contains("orders", "broker-a (127.0.0.1:10911)");
        }
    }

    @Test
    void theAdminClientsArgumentErrorsAreInvalidArgumentsToo() throws IOException {
        String deadAddr;
        try (ServerSocket s = new ServerSocket(0)) {
            deadAddr = "127.0.0.1:" + s.getLocalPort();
        }
        assertThatThrownBy(() -> new io.tidemq.client.admin.AdminClient(java.util.List.of("no-port"), 1_000))
                .isInstanceOf(InvalidArgumentException.class).hasMessageContaining("no-port");
        assertThatThrownBy(() -> io.tidemq.client.admin.AdminClient.connect("a:1,b:2", 1_000))
                .isInstanceOf(InvalidArgumentException.class);
        assertThatThrownBy(() -> io.tidemq.client.admin.AdminClient.connect(deadAddr, 0))
                .isInstanceOf(InvalidArgumentException.class).hasMessageContaining("timeoutMs");
        assertThatThrownBy(() -> io.tidemq.client.admin.AdminTarget.broker("no-port"))
                .isInstanceOf(InvalidArgumentException.class).hasMessageContaining("no-port");
        assertThatThrownBy(() -> io.tidemq.client.admin.OffsetResetSpec.offset(-1))
                .isInstanceOf(InvalidArgumentException.class).hasMessageContaining(">= 0");
        try (io.tidemq.client.admin.AdminClient admin = io.tidemq.client.admin.AdminClient.connect(deadAddr, 1_000)) {
            // refused before anything is sent: a bad name, as in the producer and the consumers
            assertThatThrownBy(() -> admin.deleteGroup("bad group!", io.tidemq.client.admin.AdminTarget.all(), false))
                    .isInstanceOf(InvalidArgumentException.class).hasCauseInstanceOf(InvalidNameException.class);
            assertThatThrownBy(() -> admin.cloneOffsets("g", "g", false))
                    .isInstanceOf(InvalidArgumentException.class).hasMessageContaining("name two groups");
            assertThatThrownBy(() -> admin.deadLetters("g", 0))
                    .isInstanceOf(InvalidArgumentException.class).hasMessageContaining("at least 1");
        }
    }
}
