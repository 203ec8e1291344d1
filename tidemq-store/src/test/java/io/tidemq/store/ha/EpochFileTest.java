package io.tidemq.store.ha;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class EpochFileTest {

    @TempDir
    Path dir;

    @Test
    void appendsSurviveAReload() {
        EpochFile file = EpochFile.load(dir);
        assertThat(file.entries()).isEmpty();
        file.append(new EpochEntry(1, 0));
        file.append(new EpochEntry(3, 900));
        file.append(new EpochEntry(3, 900)); // the same entry again is a no-op

        EpochFile reloaded = EpochFile.load(dir);
        assertThat(reloaded.entries()).containsExactly(new EpochEntry(1, 0), new EpochEntry(3, 900));
        assertThat(reloaded.lastEpoch()).isEqualTo(3);
        assertThat(dir.resolve(EpochFile.FILE_NAME + ".tmp")).doesNotExist();
    }

    @Test
    void entriesMustIncreaseInEpochAndOffset() {
        EpochFile file = EpochFile.load(dir);
        file.append(new EpochEntry(2, 100));
        assertThatThrownBy(() -> file.append(new EpochEntry(2, 200))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> file.append(new EpochEntry(1, 300))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> file.append(new EpochEntry(3, 50))).isInstanceOf(IllegalArgumentException.class);
        assertThat(EpochFile.load(dir).entries()).containsExactly(new EpochEntry(2, 100));
    }

    @Test
    void anEpochThatWroteNothingIsReplacedByTheNext() {
        EpochFile file = EpochFile.load(dir);
        file.append(new EpochEntry(1, 0));
        file.append(new EpochEntry(2, 100));
        file.append(new EpochEntry(3, 100));
        assertThat(EpochFile.load(dir).entries()).containsExactly(new EpochEntry(1, 0), new EpochEntry(3, 100));
    }

    @Test
    void truncateSuffixDropsEntriesStartingAtOrAfterTheNewEnd() {
        EpochFile file = EpochFile.load(dir);
        file.append(new EpochEntry(1, 0));
        file.append(new EpochEntry(2, 500));
        file.append(new EpochEntry(4, 800));
        file.truncateSuffix(800);
        assertThat(EpochFile.load(dir).entries()).containsExactly(new EpochEntry(1, 0), new EpochEntry(2, 500));
        file.truncateSuffix(501);
        assertThat(file.entries()).containsExactly(new EpochEntry(1, 0), new EpochEntry(2, 500));
        file.truncateSuffix(0);
        assertThat(EpochFile.load(dir).entries()).isEmpty();
    }

    @Test
    void truncatePrefixKeepsTheEntryHoldingTheNewStart() {
        EpochFile file = EpochFile.load(dir);
        file.append(new EpochEntry(1, 0));
        file.append(new EpochEntry(2, 500));
        file.append(new EpochEntry(4, 800));
        file.truncatePrefix(600);
        assertThat(EpochFile.load(dir).entries()).containsExactly(new EpochEntry(2, 600), new EpochEntry(4, 800));
    }

    @Test
    void aDamagedFileFallsBackToItsCopy() throws IOException {
        EpochFile file = EpochFile.load(dir);
        file.append(new EpochEntry(1, 0));
        file.append(new EpochEntry(2, 64));
        byte[] bytes = Files.readAllBytes(dir.resolve(EpochFile.FILE_NAME));
        bytes[14] ^= 0x01; // inside the first entry's offset
        Files.write(dir.resolve(EpochFile.FILE_NAME), bytes);

        assertThat(EpochFile.load(dir).entries()).containsExactly(new EpochEntry(1, 0), new EpochEntry(2, 64));
        // and the main file was rewritten from the copy
        assertThat(EpochFile.decode(Files.readAllBytes(dir.resolve(EpochFile.FILE_NAME))))
                .containsExactly(new EpochEntry(1, 0), new EpochEntry(2, 64));
    }

    @Test
    void everySingleBitFlipIsDetected() {
        byte[] good = EpochFile.encode(List.of(new EpochEntry(1, 0), new EpochEntry(7, 1 << 20)));
        for (int i = 0; i < good.length * 8; i++) {
            byte[] bad = good.clone();
            bad[i / 8] ^= (byte) (1 << (i % 8));
            assertThatThrownBy(() -> EpochFile.decode(bad)).as("bit %d", i).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void bothFilesDamagedIsRefusedWithAnInstruction() throws IOException {
        EpochFile.load(dir).append(new EpochEntry(1, 0));
        Files.write(dir.resolve(EpochFile.FILE_NAME), new byte[] {1, 2, 3});
        Files.write(dir.resolve(EpochFile.BACKUP_NAME), new byte[] {1, 2, 3});
        assertThatThrownBy(() -> EpochFile.load(dir)).isInstanceOf(HaFileException.class)
                .hasMessageContaining("re-sync");
    }
}
