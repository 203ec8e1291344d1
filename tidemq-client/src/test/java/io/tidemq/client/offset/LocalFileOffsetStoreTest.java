package io.tidemq.client.offset;

import io.tidemq.client.ClientException;
import io.tidemq.common.io.AtomicFile;
import io.tidemq.common.message.MessageQueue;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LocalFileOffsetStoreTest {

    @TempDir
    Path dir;

    private final MessageQueue q0 = new MessageQueue("t", "b1", 0);
    private final MessageQueue q1 = new MessageQueue("t", "b2", 1);

    @Test
    void offsetsSurviveARestartInAFilePerInstanceAndGroup() throws Exception {
        LocalFileOffsetStore s = new LocalFileOffsetStore(dir, "inst", "g");
        s.load();
        assertThat(s.readStored(q0)).isEqualTo(OffsetStore.NONE);
        s.update(q0, 12, true);
        s.update(q1, 3, true);
        s.persistAll(List.of(q0));
        assertThat(s.file()).isEqualTo(dir.resolve("inst").resolve("g").resolve("offsets.json"));
        assertThat(Files.readString(s.file())).contains("\"queueId\":1", "\"offset\":12");

        LocalFileOffsetStore reopened = new LocalFileOffsetStore(dir, "inst", "g");
        reopened.load();
        assertThat(reopened.readStored(q0)).isEqualTo(12);
        assertThat(reopened.readStored(q1)).isEqualTo(3);
        assertThat(new LocalFileOffsetStore(dir, "other", "g").readStored(q0)).isEqualTo(OffsetStore.NONE);
    }

    @Test
    void noTemporaryFileIsLeftBehind() throws Exception {
        LocalFileOffsetStore s = new LocalFileOffsetStore(dir, "inst", "g");
        s.update(q0, 1, true);
        s.persist(q0);
        try (var files = Files.list(s.file().getParent())) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactly("offsets.json");
        }
    }

    /** design review §3.2 #4: the offsets file was renamed into place without an fsync of the file or its directory. */
    @Test
    void persistForcesTheTempFileBeforeTheRenameAndTheDirectoryAfterIt() throws Exception {
        List<String> steps = new ArrayList<>();
        AtomicFile.Io recording = new AtomicFile.Io() {
            @Override
            public void writeAndForce(Path tmp, ByteBuffer data) throws IOException {
                steps.add("writeAndForce " + tmp.getFileName());
                AtomicFile.SYSTEM.writeAndForce(tmp, data);
            }

            @Override
            public void rename(Path tmp, Path file) throws IOException {
                steps.add("rename " + file.getFileName());
                AtomicFile.SYSTEM.rename(tmp, file);
            }

            @Override
            public boolean forceDirectory(Path directory) throws IOException {
                steps.add("forceDirectory " + directory.getFileName());
                return AtomicFile.SYSTEM.forceDirectory(directory);
            }
        };
        LocalFileOffsetStore s = new LocalFileOffsetStore(dir, "inst", "g", recording);
        s.update(q0, 7, true);

        s.persist(q0);

        assertThat(steps).containsExactly("writeAndForce offsets.json.tmp", "rename offsets.json", "forceDirectory g");
        assertThat(Files.readString(s.file())).contains("\"offset\":7");
    }

    @Test
    void aCorruptFileIsReportedWithWhatToDo() throws Exception {
        LocalFileOffsetStore s = new LocalFileOffsetStore(dir, "inst", "g");
        Files.createDirectories(s.file().getParent());
        Files.writeString(s.file(), "{not json");
        assertThatThrownBy(s::load).isInstanceOf(ClientException.class).hasMessageContaining("fix or delete the file");
    }

    /** messaging-audit #2: a queue revoked and assigned again resumes where the member stopped, not at the load-time value. */
    @Test
    void readStoredReturnsTheCurrentOffsetNotTheOneLoadedAtStart() {
        LocalFileOffsetStore first = new LocalFileOffsetStore(dir, "inst", "g");
        first.update(q0, 10, true);
        first.persistAll(List.of(q0));

        LocalFileOffsetStore s = new LocalFileOffsetStore(dir, "inst", "g");
        s.load();
        assertThat(s.readStored(q0)).isEqualTo(10);
        s.update(q0, 50, true);
        s.persistAll(List.of(q0));
        s.remove(q0);
        assertThat(s.readStored(q0)).isEqualTo(50);

        // a queue first seen after load()
        s.update(q1, 30, true);
        s.persistAll(List.of(q1));
        s.remove(q1);
        assertThat(s.readStored(q1)).isEqualTo(30);
    }
}
