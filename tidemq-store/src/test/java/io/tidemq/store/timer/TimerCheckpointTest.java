package io.tidemq.store.timer;

import io.tidemq.store.api.timer.TimerCheckpoint;
import io.tidemq.store.file.Durability;
import io.tidemq.store.file.DurabilityListener;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

class TimerCheckpointTest {

    @TempDir
    Path dir;

    /**
     * design review §3.2 #4 and quick fix "TimerCheckpoint.store: fsync the directory after the rename": the
     * rename of the timer checkpoint was not made durable, so a power loss could bring back the previous one.
     */
    @Test
    void storeForcesTheTempFileThenRenamesItThenForcesTheDirectory() {
        List<String> events = new CopyOnWriteArrayList<>();
        DurabilityListener previous = Durability.install(new DurabilityListener() {
            @Override
            public void forced(Path file, ByteBuffer mapping, int fromPosition, int toPosition) {
                events.add("forced " + dir.relativize(file));
            }

            @Override
            public void fileForced(Path file) {
                events.add("fileForced " + (file.equals(dir) ? "<dir>" : dir.relativize(file).toString()));
            }

            @Override
            public void namespaceChanged(Path path) {
                events.add("namespaceChanged " + dir.relativize(path));
            }
        });
        TimerCheckpoint checkpoint = new TimerCheckpoint(5, 640, 1_000, 2_000, false);
        try {
            TimerCheckpointFile.store(checkpoint, dir);
        } finally {
            Durability.install(previous);
        }

        assertThat(events).containsExactly(
                "fileForced checkpoint.tmp",
                "namespaceChanged checkpoint",
                "fileForced <dir>");
        assertThat(TimerCheckpointFile.load(dir)).isEqualTo(checkpoint);
    }
}
