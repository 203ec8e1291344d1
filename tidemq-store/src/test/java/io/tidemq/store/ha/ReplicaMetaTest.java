package io.tidemq.store.ha;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ReplicaMetaTest {

    @TempDir
    Path dir;

    @Test
    void createdOnceThenTheIncarnationCountsStarts() {
        ReplicaMeta first = ReplicaMeta.openForStart(dir, "broker-a", 1, false, false);
        assertThat(first.incarnation()).isEqualTo(1);
        ReplicaMeta second = ReplicaMeta.openForStart(dir, "broker-a", 1, true, false);
        assertThat(second.storeUuid()).isEqualTo(first.storeUuid());
        assertThat(second.incarnation()).isEqualTo(2);
        assertThat(ReplicaMeta.read(dir.resolve(ReplicaMeta.FILE_NAME))).isEqualTo(second);
    }

    @Test
    void aWipedStoreGetsANewUuid(@TempDir Path other) {
        ReplicaMeta before = ReplicaMeta.openForStart(dir, "g", 2, false, false);
        ReplicaMeta wiped = ReplicaMeta.openForStart(other, "g", 2, false, false);
        assertThat(wiped.storeUuid()).isNotEqualTo(before.storeUuid());
    }

    @Test
    void anotherReplicasMetaIsRefused() {
        ReplicaMeta.openForStart(dir, "g", 1, false, false);
        assertThatThrownBy(() -> ReplicaMeta.openForStart(dir, "g", 2, true, false))
                .isInstanceOf(HaFileException.class).hasMessageContaining("replica 1");
        assertThatThrownBy(() -> ReplicaMeta.openForStart(dir, "other", 1, true, false))
                .isInstanceOf(HaFileException.class).hasMessageContaining("group g");
    }

    @Test
    void dataWithoutMetaIsRefusedUnlessAdopted() {
        assertThatThrownBy(() -> ReplicaMeta.openForStart(dir, "g", 0, true, false))
                .isInstanceOf(HaFileException.class).hasMessageContaining("haAdoptExistingStore=true");
        assertThat(ReplicaMeta.openForStart(dir, "g", 0, true, true).incarnation()).isEqualTo(1);
    }

    @Test
    void everySingleBitFlipIsDetected() throws IOException {
        ReplicaMeta.openForStart(dir, "broker-a", 3, false, false);
        Path file = dir.resolve(ReplicaMeta.FILE_NAME);
        byte[] good = Files.readAllBytes(file);
        for (int i = 0; i < good.length * 8; i++) {
            byte[] bad = good.clone();
            bad[i / 8] ^= (byte) (1 << (i % 8));
            Files.write(file, bad);
            assertThatThrownBy(() -> ReplicaMeta.read(file)).as("bit %d", i).isInstanceOf(HaFileException.class);
        }
    }
}
