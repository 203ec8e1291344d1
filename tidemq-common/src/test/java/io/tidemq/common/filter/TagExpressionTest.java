package io.tidemq.common.filter;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TagExpressionTest {

    static List<TagExpressionCases.Case> cases() {
        return TagExpressionCases.all();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void followsTheDocumentedTable(TagExpressionCases.Case c) {
        if (!c.valid()) {
            assertThatThrownBy(() -> TagExpression.parse(c.expression()))
                    .isInstanceOf(InvalidTagExpressionException.class)
                    .hasMessage("subscription expression '" + c.expression() + "' is invalid: " + c.error()
                            + "; write * or tags separated by ||, for example 'TagA || TagB'");
            return;
        }
        TagExpression e = TagExpression.parse(c.expression());
        assertThat(e.matchesAll()).isEqualTo(c.all());
        assertThat(e.tags()).containsExactlyElementsOf(c.tags());
        for (String tag : TagExpressionCases.tagsNamed()) {
            boolean expected = c.all() || c.tags().contains(tag);
            assertThat(e.matchesTag(tag)).as("tag %s", tag).isEqualTo(expected);
            assertThat(e.matchesCode(TagsCode.of(tag))).as("code of tag %s", tag).isEqualTo(expected);
        }
        assertThat(e.matchesTag(null)).as("untagged").isEqualTo(c.all());
        assertThat(e.matchesCode(TagsCode.of(null))).as("code of untagged").isEqualTo(c.all());
        // what the client sends parses to the same expression on the broker
        assertThat(TagExpression.parse(e.expression())).isEqualTo(e);
    }

    @Test
    void anAbsentExpressionMatchesEveryMessage() {
        assertThat(TagExpression.parse(null)).isSameAs(TagExpression.ALL);
        assertThat(TagExpression.ALL.expression()).isEqualTo("*");
    }

    @Test
    void theNormalisedExpressionJoinsTheTagsWithSpacedBars() {
        assertThat(TagExpression.parse("TagA ||TagB").expression()).isEqualTo("TagA || TagB");
        assertThat(TagExpression.parse(" * ").expression()).isEqualTo("*");
        assertThat(TagExpression.parse("TagA||TagA").expression()).isEqualTo("TagA");
    }

    @Test
    void tagsCompareExactlyButTheirHashesMayCollide() {
        // "Aa" and "BB" share String.hashCode(): the broker lets both through, the client keeps only the real tag
        assertThat(TagsCode.of("Aa")).isEqualTo(TagsCode.of("BB"));
        TagExpression e = TagExpression.parse("Aa");
        assertThat(e.matchesCode(TagsCode.of("BB"))).isTrue();
        assertThat(e.matchesTag("BB")).isFalse();
        assertThat(e.matchesTag("aa")).isFalse();
    }

    @Test
    void anInvalidExpressionIsAnArgumentError() {
        assertThatThrownBy(() -> TagExpression.parse("A||")).isInstanceOf(IllegalArgumentException.class);
    }
}
