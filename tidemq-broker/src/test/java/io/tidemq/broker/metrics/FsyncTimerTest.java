package io.tidemq.broker.metrics;

import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.tidemq.store.api.FileIo;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FsyncTimerTest {

    private final List<Path> forced = new ArrayList<>();
    private boolean failing;
    private final FileIo disk = new FileIo() {
        @Override
        public void allocate(Path path, FileChannel channel, long sizeBytes) throws IOException {
        }

        @Override
        public void force(Path path, MappedByteBuffer mapped, int position, int length) {
            forced.add(path);
            if (failing) {
                throw new UncheckedIOException(new IOException("EIO"));
            }
        }
    };
    private final Path store = Path.of("/data/store");
    private final Timer timer = Timer.builder("fsync").register(new SimpleMeterRegistry());
    private final FsyncTimer fsyncs = new FsyncTimer(disk, store.resolve("commitlog"));

    @Test
    void everyCommitLogForceIsTimedAndPassedToTheDisk() {
        fsyncs.bind(timer);

        fsyncs.force(store.resolve("commitlog/00000000000000000000"), null, 0, 4096);
        fsyncs.force(store.resolve("commitlog/00000000001073741824"), null, 0, 4096);

        assertThat(forced).hasSize(2);
        assertThat(timer.count()).isEqualTo(2);
    }

    @Test
    void forcesOfOtherFilesAndForcesBeforeBindingPassThroughUntimed() {
        fsyncs.force(store.resolve("commitlog/00000000000000000000"), null, 0, 4096);
        fsyncs.bind(timer);
        fsyncs.force(store.resolve("consumequeue/orders/0/00000000000000000000"), null, 0, 4096);

        assertThat(forced).hasSize(2);
        assertThat(timer.count()).isZero();
    }

    @Test
    void aFailedForceIsTimedAndItsErrorReachesTheStore() {
        fsyncs.bind(timer);
        failing = true;

        assertThatThrownBy(() -> fsyncs.force(store.resolve("commitlog/0"), null, 0, 1))
                .isInstanceOf(UncheckedIOException.class);
        assertThat(timer.count()).isEqualTo(1);
    }
}
