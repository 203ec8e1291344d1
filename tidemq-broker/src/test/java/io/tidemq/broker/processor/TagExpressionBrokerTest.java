package io.tidemq.broker.processor;

import io.tidemq.broker.BrokerFixture;
import io.tidemq.common.filter.TagExpressionCases;
import io.tidemq.common.message.MessageConst;
import io.tidemq.common.protocol.ResponseCode;
import io.tidemq.remoting.protocol.RemotingCommand;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The broker side of the shared tag-expression table (docs/protocol.md, "Tag expressions"): each expression is
 * pulled as a client other than the Java one might send it, unnormalised, against one message per tag the table
 * names and one untagged message.
 */
class TagExpressionBrokerTest {

    private static final String TOPIC = "tagged";
    private static final String UNTAGGED = "(untagged)";

    @TempDir
    static Path dir;

    private static BrokerFixture fx;

    @BeforeAll
    static void sendOneMessagePerTag() {
        fx = new BrokerFixture(dir);
        fx.createTopic(TOPIC, 1);
        Set<String> tags = TagExpressionCases.tagsNamed();
        for (String tag : tags) {
            fx.sendOk(TOPIC, 0, tag, Map.of(MessageConst.TAGS, tag));
        }
        fx.sendOk(TOPIC, 0, UNTAGGED, Map.of());
        fx.awaitQueueEnd(TOPIC, 0, tags.size() + 1);
    }

    @AfterAll
    static void stop() {
        fx.close();
    }

    static List<TagExpressionCases.Case> cases() {
        return TagExpressionCases.all();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void pullsFollowTheDocumentedTable(TagExpressionCases.Case c) {
        RemotingCommand r = fx.invoke(BrokerFixture.pullRequest("g", TOPIC, 0, 0, 64, 0, c.expression()));

        if (!c.valid()) {
            assertThat(r.code()).as(r.toString()).isEqualTo(ResponseCode.SUBSCRIPTION_INVALID.code());
            assertThat(r.remark()).isEqualTo("subscription expression '" + c.expression() + "' is invalid: "
                    + c.error() + "; write * or tags separated by ||, for example 'TagA || TagB'");
            return;
        }
        assertThat(r.code()).as(r.toString()).isZero();
        Set<String> expected = new LinkedHashSet<>();
        for (String tag : TagExpressionCases.tagsNamed()) {
            if (c.all() || c.tags().contains(tag)) {
                expected.add(tag);
            }
        }
        if (c.all()) {
            expected.add(UNTAGGED);
        }
        assertThat(BrokerFixture.messages(r)).extracting(m -> new String(m.body(), StandardCharsets.UTF_8))
                .containsExactlyInAnyOrderElementsOf(expected);
    }
}
