package io.tidemq.common.io;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AtomicFileTest {

    @TempDir
    Path dir;

    /** Records each step and makes the real call, failing at the step named {@code failAt}. */
    private static final class RecordingIo implements AtomicFile.Io {
        final List<String> steps = new ArrayList<>();
        final String failAt;

        RecordingIo(String failAt) {
            this.failAt = failAt;
        }

        @Override
        public void writeAndForce(Path tmp, ByteBuffer data) throws IOException {
            steps.add("writeAndForce " + tmp.getFileName());
            if ("writeAndForce".equals(failAt)) {
                // a torn write: half the bytes reached the temp file, then the fsync failed
                Files.write(tmp, new byte[data.remaining() / 2]);
                throw new IOException("fsync failed (injected)");
            }
            AtomicFile.SYSTEM.writeAndForce(tmp, data);
        }

        @Override
        public void rename(Path tmp, Path file) throws IOException {
            steps.add("rename " + tmp.getFileName() + " -> " + file.getFileName());
            if ("rename".equals(failAt)) {
                throw new IOException("rename failed (injected)");
            }
            AtomicFile.SYSTEM.rename(tmp, file);
        }

        @Override
        public boolean forceDirectory(Path directory) throws IOException {
            steps.add("forceDirectory " + directory.getFileName());
            return AtomicFile.SYSTEM.forceDirectory(directory);
        }
    }

    private static ByteBuffer utf8(String text) {
        return ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void replaceWritesAndForcesTheTempFileThenRenamesItThenForcesTheDirectory() throws IOException {
        Path file = dir.resolve("topics.json");
        Files.writeString(file, "old");
        RecordingIo io = new RecordingIo(null);

        AtomicFile.replace(file, utf8("new"), io);

        assertThat(io.steps).containsExactly(
                "writeAndForce topics.json.tmp",
                "rename topics.json.tmp -> topics.json",
                "forceDirectory " + dir.getFileName());
        assertThat(Files.readString(file)).isEqualTo("new");
        assertThat(AtomicFile.tempOf(file)).doesNotExist();
    }

    @Test
    void aFailedFsyncOfTheTempFileLeavesTheOldContentAndRenamesNothing() throws IOException {
        Path file = dir.resolve("checkpoint");
        Files.writeString(file, "old content");
        RecordingIo io = new RecordingIo("writeAndForce");

        assertThatThrownBy(() -> AtomicFile.replace(file, utf8("new content"), io))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("fsync failed");

        assertThat(io.steps).containsExactly("writeAndForce checkpoint.tmp");
        assertThat(Files.readString(file)).isEqualTo("old content");
    }

    @Test
    void aFailedRenameLeavesTheOldContentAndForcesNoDirectory() throws IOException {
        Path file = dir.resolve("offsets.json");
        Files.writeString(file, "old");
        RecordingIo io = new RecordingIo("rename");

        assertThatThrownBy(() -> AtomicFile.replace(file, utf8("new"), io)).hasMessageContaining("rename failed");

        assertThat(io.steps).containsExactly("writeAndForce offsets.json.tmp", "rename offsets.json.tmp -> offsets.json");
        assertThat(Files.readString(file)).isEqualTo("old");
    }

    @Test
    void aLeftoverTempFileFromACrashIsOverwrittenNotAppendedTo() throws IOException {
        Path file = dir.resolve("state.json");
        Files.writeString(AtomicFile.tempOf(file), "a much longer torn document from before a crash");

        AtomicFile.replace(file, "{}".getBytes(StandardCharsets.UTF_8));

        assertThat(Files.readString(file)).isEqualTo("{}");
        assertThat(AtomicFile.tempOf(file)).doesNotExist();
    }

    @Test
    void aRelativePathIsReplacedInItsOwnDirectory() throws IOException {
        Path file = dir.resolve("sub").resolve("a.json");
        Files.createDirectories(file.getParent());
        Path relative = Path.of("").toAbsolutePath().relativize(file);
        RecordingIo io = new RecordingIo(null);

        AtomicFile.replace(relative, utf8("x"), io);

        assertThat(io.steps).last().isEqualTo("forceDirectory sub");
        assertThat(Files.readString(file)).isEqualTo("x");
    }
}
