package io.tidemq.common.names;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class NameValidatorTest {

    @Test
    void acceptsOrdinaryNames() {
        assertThatCode(() -> NameValidator.checkUserTopic("ride-card_taps-2026")).doesNotThrowAnyException();
        assertThatCode(() -> NameValidator.checkGroup("billing")).doesNotThrowAnyException();
        assertThatCode(() -> NameValidator.checkTopic("%RETRY%billing")).doesNotThrowAnyException();
    }

    @Test
    void rejectsEmptyTooLongAndBadCharactersNamingTheRule() {
        assertThatThrownBy(() -> NameValidator.checkTopic("")).isInstanceOf(InvalidNameException.class)
                .hasMessageContaining("empty");
        assertThatThrownBy(() -> NameValidator.checkTopic("t".repeat(128))).hasMessageContaining("limit is 127");
        assertThatThrownBy(() -> NameValidator.checkTopic("a/b")).hasMessageContaining("'/'");
        assertThatThrownBy(() -> NameValidator.checkGroup("a%b")).hasMessageContaining("'%'");
        assertThatThrownBy(() -> NameValidator.checkTopic(null)).isInstanceOf(InvalidNameException.class);
    }

    @Test
    void reservedPrefixesAreForTheBrokerOnly() {
        assertThatThrownBy(() -> NameValidator.checkUserTopic("%DLQ%g")).hasMessageContaining("reserved prefix");
        assertThatThrownBy(() -> NameValidator.checkUserTopic("TIDEMQ_SYS_TX")).hasMessageContaining("reserved prefix");
    }
}
