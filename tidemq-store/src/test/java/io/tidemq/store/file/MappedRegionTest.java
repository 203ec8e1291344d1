package io.tidemq.store.file;

import io.tidemq.store.api.FileIo;
import io.tidemq.store.api.StoreIOException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class MappedRegionTest {

    private static final int SIZE = 64 * 1024;

    @TempDir
    Path dir;

    /** Records what the region asks of the disk; fails allocation when told to. */
    private static final class RecordingIo implements FileIo {
        final List<Long> allocated = new CopyOnWriteArrayList<>();
        volatile boolean failAllocation;

        @Override
        public void allocate(Path path, FileChannel channel, long sizeBytes) throws IOException {
            if (failAllocation) {
                FileIo.writeZeros(channel, 0, sizeBytes / 2);
                throw new IOException("No space left on device (injected)");
            }
            allocated.add(sizeBytes);
            FileIo.DEFAULT.allocate(path, channel, sizeBytes);
        }

        @Override
        public void force(Path path, MappedByteBuffer mapped, int position, int length) {
            FileIo.DEFAULT.force(path, mapped, position, length);
        }
    }

    private static final MappedRegion.OtherSize REFUSE = (channel, existingBytes) -> {
        throw new StoreIOException("refused " + existingBytes + " bytes");
    };

    @Test
    void aNewFileIsAllocatedWholeBeforeItIsMappedAndHoldsNoDescriptorAfterwards() throws IOException {
        RecordingIo io = new RecordingIo();
        Path path = dir.resolve("00000000000000000000");

        MappedRegion region = MappedRegion.open(path, SIZE, REFUSE, io);

        assertThat(io.allocated).containsExactly((long) SIZE);
        assertThat(Files.size(path)).isEqualTo(SIZE);
        assertThat(region.created()).isTrue();
        assertThat(region.sizeBytes()).isEqualTo(SIZE);
        assertThat(region.channel()).isNull();
        region.unmap();
    }

    @Test
    void anExistingFileOfTheRightSizeIsMappedWithItsBytes() throws IOException {
        Path path = dir.resolve("slots");
        MappedRegion first = MappedRegion.open(path, SIZE, REFUSE, FileIo.DEFAULT);
        first.buffer().putLong(8, 42L);
        first.forceAll();
        first.unmap();
        RecordingIo io = new RecordingIo();

        MappedRegion again = MappedRegion.open(path, SIZE, REFUSE, io);

        assertThat(again.created()).isFalse();
        assertThat(io.allocated).isEmpty();
        assertThat(again.buffer().getLong(8)).isEqualTo(42L);
        again.unmap();
    }

    @Test
    void anExistingFileOfAnotherSizeIsRefusedUntouchedOrRecreatedAsTheRuleSays() throws IOException {
        Path path = dir.resolve("segment");
        Files.write(path, new byte[] {1, 2, 3});

        assertThatThrownBy(() -> MappedRegion.open(path, SIZE, REFUSE, FileIo.DEFAULT))
                .isInstanceOf(StoreIOException.class).hasMessage("refused 3 bytes");
        assertThat(Files.readAllBytes(path)).containsExactly(1, 2, 3);

        MappedRegion region = MappedRegion.open(path, SIZE, (channel, existingBytes) -> true, FileIo.DEFAULT);
        assertThat(region.created()).isTrue();
        assertThat(region.buffer().get(0)).isZero();
        assertThat(Files.size(path)).isEqualTo(SIZE);
        region.unmap();
    }

    @Test
    void aFileWhoseCreationACrashCutShortIsCreatedAnewButOneWithDataIsNot() throws IOException {
        Path zeros = dir.resolve("zeros");
        Files.write(zeros, new byte[SIZE / 4]);
        Path data = dir.resolve("data");
        Files.write(data, new byte[] {0, 0, 7});
        MappedRegion.OtherSize rule = MappedRegion.recreateWhenAllZero(REFUSE);

        MappedRegion region = MappedRegion.open(zeros, SIZE, rule, FileIo.DEFAULT);

        assertThat(region.created()).isTrue();
        assertThat(Files.size(zeros)).isEqualTo(SIZE);
        region.unmap();
        assertThatThrownBy(() -> MappedRegion.open(data, SIZE, rule, FileIo.DEFAULT)).hasMessage("refused 3 bytes");
    }

    @Test
    void aFileThatCannotBeAllocatedIsDeletedSoARetryStartsClean() {
        RecordingIo io = new RecordingIo();
        io.failAllocation = true;
        Path path = dir.resolve("full");

        assertThatThrownBy(() -> MappedRegion.open(path, SIZE, REFUSE, io)).hasMessageContaining("No space left");

        assertThat(path).doesNotExist();
    }

    @Test
    void createNewRefusesAnExistingFile() throws IOException {
        Path path = dir.resolve("index");
        Files.write(path, new byte[] {9});

        assertThatThrownBy(() -> MappedRegion.createNew(path, SIZE, FileIo.DEFAULT))
                .isInstanceOf(FileAlreadyExistsException.class);
        assertThat(Files.readAllBytes(path)).containsExactly(9);
    }

    @Test
    void openExistingMapsTheWholeFileAsItIs() throws IOException {
        Path path = dir.resolve("existing");
        Files.write(path, new byte[] {0, 0, 0, 5});

        MappedRegion region = MappedRegion.openExisting(path);

        assertThat(region.sizeBytes()).isEqualTo(4);
        assertThat(region.buffer().getInt(0)).isEqualTo(5);
        assertThat(region.created()).isFalse();
        region.unmap();
    }

    @Test
    void aRegionAllocatedLaterKeepsItsChannelForItsOwner() throws IOException {
        RecordingIo io = new RecordingIo();
        Path path = dir.resolve("later");

        MappedRegion region = MappedRegion.openAllocatingLater(path, SIZE, REFUSE, io);

        assertThat(io.allocated).isEmpty();
        assertThat(region.channel()).isNotNull();
        assertThat(region.channel().isOpen()).isTrue();
        FileIo.writeZeros(region.channel(), SIZE);
        region.channel().close();
        region.unmap();
    }

    @Test
    void unmapAndDeleteRemovesTheFileAndReportsIt() throws IOException {
        List<Path> changed = new CopyOnWriteArrayList<>();
        DurabilityListener previous = Durability.install(new DurabilityListener() {
            @Override
            public void forced(Path file, ByteBuffer mapping, int fromPosition, int toPosition) {
            }

            @Override
            public void fileForced(Path file) {
            }

            @Override
            public void namespaceChanged(Path path) {
                changed.add(path);
            }
        });
        Path path = dir.resolve("gone");
        try {
            MappedRegion region = MappedRegion.open(path, SIZE, REFUSE, FileIo.DEFAULT);
            region.unmapAndDelete();
        } finally {
            Durability.install(previous);
        }

        assertThat(path).doesNotExist();
        assertThat(changed).containsExactly(path, path);
    }

    @Test
    void unmapReleasesTheMappingNowThroughTheOneCleaner() throws IOException {
        MappedRegion region = MappedRegion.open(dir.resolve("released"), SIZE, REFUSE, FileIo.DEFAULT);

        assertThat(region.unmap()).isEqualTo(BufferCleaner.isAvailable());
    }
}
