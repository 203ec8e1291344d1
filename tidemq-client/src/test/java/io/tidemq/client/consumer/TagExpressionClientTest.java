package io.tidemq.client.consumer;

import io.tidemq.client.ClientConfig;
import io.tidemq.client.consumer.internal.SubscriptionTable;
import io.tidemq.common.filter.InvalidTagExpressionException;
import io.tidemq.common.filter.TagExpression;
import io.tidemq.common.filter.TagExpressionCases;
import io.tidemq.common.protocol.body.SubscriptionData;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The client side of the shared tag-expression table (docs/protocol.md, "Tag expressions"): what subscribe
 * refuses, the exact-tag re-check of delivered messages, and the expression heartbeats and pulls carry.
 */
class TagExpressionClientTest {

    private static final ClientConfig CONFIG = ClientConfig.builder().namesrvAddrs("127.0.0.1:9876").build();

    static List<TagExpressionCases.Case> cases() {
        return TagExpressionCases.all();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void subscribeFollowsTheDocumentedTable(TagExpressionCases.Case c) {
        if (!c.valid()) {
            String message = "subscription expression '" + c.expression() + "' is invalid: " + c.error()
                    + "; write * or tags separated by ||, for example 'TagA || TagB'";
            try (PushConsumer push = PushConsumer.builder("g", CONFIG).build();
                 PullConsumer pull = PullConsumer.builder("g", CONFIG).build()) {
                assertThatThrownBy(() -> push.subscribe("t", c.expression()))
                        .isInstanceOf(InvalidTagExpressionException.class).hasMessage(message);
                assertThatThrownBy(() -> pull.subscribe("t", c.expression()))
                        .isInstanceOf(InvalidTagExpressionException.class).hasMessage(message);
            }
            return;
        }
        SubscriptionTable table = new SubscriptionTable();
        table.subscribe("t", c.expression());

        TagExpression f = table.filter("t");
        for (String tag : TagExpressionCases.tagsNamed()) {
            assertThat(f.matchesTag(tag)).as("tag %s", tag).isEqualTo(c.all() || c.tags().contains(tag));
        }
        assertThat(f.matchesTag(null)).as("untagged").isEqualTo(c.all());
        // the normalised text the client sends is one the broker parses to the same tags
        SubscriptionData sent = table.toData().iterator().next();
        assertThat(sent.expression()).isEqualTo(c.all() ? "*" : String.join(" || ", c.tags()));
        assertThat(TagExpression.parse(sent.expression()).tags()).containsExactlyElementsOf(c.tags());
    }
}
