package io.tidemq.client.producer;

import io.tidemq.client.InvalidMessageException;
import io.tidemq.client.MessageTooLargeException;
import io.tidemq.common.message.Message;
import io.tidemq.common.message.MessageConst;
import io.tidemq.common.message.MessageProperties;
import io.tidemq.common.protocol.ResponseCode;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class MessageValidatorTest {

    @Test
    void aBodyOverTheLimitIsRejectedNamingSizeAndLimit() {
        Message m = Message.builder("t").body(new byte[101]).build();
        assertThatThrownBy(() -> MessageValidator.check(m, 100))
                .isInstanceOfSatisfying(MessageTooLargeException.class, e -> {
                    assertThat(e.sizeBytes()).isEqualTo(101);
                    assertThat(e.limitBytes()).isEqualTo(100);
                    assertThat(e.responseCode()).isEqualTo(ResponseCode.MESSAGE_TOO_LARGE);
                    assertThat(e.isRetriable()).isFalse();
                })
                .hasMessageContaining("is 101 bytes, above the limit maxMessageBytes=100");
        MessageValidator.check(Message.builder("t").body(new byte[100]).build(), 100);
    }

    @Test
    void emptyBodiesAndReservedTopicsAreRejected() {
        assertThatThrownBy(() -> MessageValidator.check(Message.builder("t").build(), 100))
                .isInstanceOf(InvalidMessageException.class).hasMessageContaining("empty body");
        assertThatThrownBy(() -> MessageValidator.check(Message.builder("%RETRY%g").body("x").build(), 100))
                .isInstanceOf(InvalidMessageException.class).hasMessageContaining("reserved prefix");
    }

    @Test
    void batchesMustHoldOneTopicAndNoDelayedMessages() {
        Message a = Message.builder("a").body("x").build();
        Message b = Message.builder("b").body("x").build();
        assertThatThrownBy(() -> MessageValidator.checkBatch(List.of(a, b), 100)).hasMessageContaining("mixes topics");
        assertThatThrownBy(() -> MessageValidator.checkBatch(List.of(), 100)).hasMessageContaining("empty");
        Message delayed = Message.builder("a").body("x").delayMs(10).build();
        assertThatThrownBy(() -> MessageValidator.checkBatch(List.of(a, delayed), 100))
                .hasMessageContaining("delayed");
    }

    @Test
    void theUniqueIdIsAddedToTheWirePropertiesUnlessPresent() {
        Message m = Message.builder("t").tag("A").body("x").build();
        assertThat(MessageProperties.decode(MessageValidator.propertiesWithUniqueId(m, "U1")))
                .containsEntry(MessageConst.TAGS, "A").containsEntry(MessageConst.UNIQ_KEY, "U1");
        Message withId = m.toBuilder().systemProperty(MessageConst.UNIQ_KEY, "MINE").build();
        assertThat(MessageProperties.decode(MessageValidator.propertiesWithUniqueId(withId, "U2")))
                .containsEntry(MessageConst.UNIQ_KEY, "MINE");
    }

    @Test
    void oversizedPropertiesAreRejected() {
        Message m = Message.builder("t").body("x").property("big", "v".repeat(40_000)).build();
        assertThatThrownBy(() -> MessageValidator.propertiesWithUniqueId(m, "U"))
                .isInstanceOf(InvalidMessageException.class).hasMessageContaining("limit is 32767");
    }
}
