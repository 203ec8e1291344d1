package io.tidemq.client.consumer;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TagFilterTest {

    @Test
    void starNullAndBlankMatchEveryMessageIncludingUntaggedOnes() {
        for (String expr : new String[] {"*", null, " ", " * "}) {
            TagFilter f = TagFilter.parse(expr);
            assertThat(f.matchesAll()).isTrue();
            assertThat(f.matches(null)).isTrue();
            assertThat(f.matches("x")).isTrue();
            assertThat(f.expression()).isEqualTo("*");
        }
    }

    @Test
    void alternativesMatchExactTagsOnly() {
        TagFilter f = TagFilter.parse("TagA ||TagB");
        assertThat(f.matches("TagA")).isTrue();
        assertThat(f.matches("TagB")).isTrue();
        assertThat(f.matches("TagAB")).isFalse();
        assertThat(f.matches("taga")).isFalse();
        assertThat(f.matches(null)).isFalse();
        assertThat(f.expression()).isEqualTo("TagA || TagB");
    }

    @Test
    void malformedExpressionsAreRejectedWithTheSyntax() {
        assertThatThrownBy(() -> TagFilter.parse("A || "))
                .hasMessageContaining("write * or tags separated by ||");
        assertThatThrownBy(() -> TagFilter.parse("A B"))
                .hasMessageContaining("invalid");
    }
}
