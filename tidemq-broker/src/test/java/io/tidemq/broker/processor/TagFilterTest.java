package io.tidemq.broker.processor;

import io.tidemq.common.filter.InvalidTagExpressionException;
import io.tidemq.common.filter.TagsCode;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TagFilterTest {

    @Test
    void starAndEmptyMatchEverythingAndNeedNoStoreTest() {
        assertThat(TagFilter.parse("*").matchesAll()).isTrue();
        assertThat(TagFilter.parse(" * ").storePredicate()).isNull();
        assertThat(TagFilter.parse(null).matchesAll()).isTrue();
        assertThat(TagFilter.parse("").test(TagsCode.of("x"))).isTrue();
    }

    @Test
    void alternativesMatchTheirTagHashesOnly() {
        TagFilter f = TagFilter.parse("TagA || TagB");

        assertThat(f.test(TagsCode.of("TagA"))).isTrue();
        assertThat(f.test(TagsCode.of("TagB"))).isTrue();
        assertThat(f.test(TagsCode.of("TagC"))).isFalse();
        assertThat(f.test(TagsCode.of(null))).isFalse();
        assertThat(TagFilter.parse("TagA||TagB").test(TagsCode.of("TagB"))).isTrue();
    }

    @Test
    void malformedExpressionsAreRejectedWithTheExpectedSyntax() {
        assertThatThrownBy(() -> TagFilter.parse("TagA || "))
                .isInstanceOf(InvalidTagExpressionException.class).hasMessageContaining("TagA || TagB");
        assertThatThrownBy(() -> TagFilter.parse("Tag A")).isInstanceOf(InvalidTagExpressionException.class);
        assertThatThrownBy(() -> TagFilter.parse("* || TagA")).isInstanceOf(InvalidTagExpressionException.class);
    }
}
