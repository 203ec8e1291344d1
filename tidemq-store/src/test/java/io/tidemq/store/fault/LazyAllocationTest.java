package io.tidemq.store.fault;

import io.tidemq.store.api.DiskFullException;
import io.tidemq.store.file.MappedFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** storage-audit #2: a file handed out before it is allocated is never touched above what is allocated. */
class LazyAllocationTest {

    private static final int FILE_BYTES = 4 << 20;

    @TempDir
    Path dir;

    @Test
    void appendsAndWarmUpStayBelowTheAllocatedPrefixAndAFullDiskIsAnException() {
        FaultyFileIo io = new FaultyFileIo(dir);
        MappedFile file = MappedFile.openAllocatingLater(dir.resolve(MappedFile.fileName(0)), FILE_BYTES, io);
        try {
            assertThat(file.isFullyAllocated()).isFalse();
            assertThat(file.warmUp(false)).as("no page is touched before it is allocated").isZero();

            file.ensureAllocated(100);
            assertThat(file.warmUp(false)).as("only the first 1 MiB chunk").isEqualTo((1 << 20) / MappedFile.OS_PAGE_BYTES);

            io.failNextAllocations(1);
            assertThatThrownBy(() -> file.ensureAllocated(FILE_BYTES)).isInstanceOf(DiskFullException.class)
                    .hasMessageContaining("No space left");
            assertThat(file.isFullyAllocated()).isFalse();

            file.allocateRest(); // space is back
            assertThat(file.isFullyAllocated()).isTrue();
        } finally {
            file.destroy();
        }
    }
}
