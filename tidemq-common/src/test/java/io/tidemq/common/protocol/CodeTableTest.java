package io.tidemq.common.protocol;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CodeTableTest {

    private enum Clashing { A, B }

    private enum Huge { X }

    @Test
    void twoConstantsWithOneNumberAreRefusedNamingBoth() {
        assertThatThrownBy(() -> CodeTable.index(Clashing.values(), c -> 7, Clashing[]::new))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("number 7 is used by both A and B");
    }

    @Test
    void anOutOfRangeNumberIsRefused() {
        assertThatThrownBy(() -> CodeTable.index(Huge.values(), c -> 1_000_000, Huge[]::new))
                .hasMessageContaining("Huge.X has number 1000000");
    }

    @Test
    void theIndexFindsEachConstantAtItsNumber() {
        Clashing[] byNumber = CodeTable.index(Clashing.values(), c -> c.ordinal() * 3, Clashing[]::new);
        assertThat(byNumber).hasSize(4);
        assertThat(byNumber[0]).isSameAs(Clashing.A);
        assertThat(byNumber[3]).isSameAs(Clashing.B);
    }
}
