package io.tidemq.store.file;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class MappedFileNameTest {

    @Test
    void aFileIsNamedByItsStartOffsetInTwentyDigits() {
        assertThat(MappedFile.fileName(0)).isEqualTo("00000000000000000000");
        assertThat(MappedFile.fileName(1_073_741_824L)).isEqualTo("00000000001073741824");
        assertThat(MappedFile.fileName(Long.MAX_VALUE)).isEqualTo("09223372036854775807");
        for (long offset = 1; offset < Long.MAX_VALUE / 7; offset *= 7) {
            assertThat(MappedFile.fileName(offset)).isEqualTo(String.format("%020d", offset));
        }
    }
}
