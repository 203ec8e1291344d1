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

    /** A default method left to the interface once made every broker write its files as zeros (no fallocate). */
    @Test
    void everyMethodOfFileIoIsPassedToTheDelegate() throws Exception {
        for (java.lang.reflect.Method method : FileIo.class.getMethods()) {
            if (java.lang.reflect.Modifier.isStatic(method.getModifiers())) {
                continue;
            }
            assertThat(FsyncTimer.class.getMethod(method.getName(), method.getParameterTypes()).getDeclaringClass())
                    .as("FsyncTimer overrides %s", method).isEqualTo(FsyncTimer.class);
        }
        List<Long> reserved = new ArrayList<>();
        FsyncTimer reserving = new FsyncTimer(new FileIo() {
            @Override
            public void allocate(Path path, FileChannel channel, long sizeBytes) {
            }

            @Override
            public void force(Path path, MappedByteBuffer mapped, int position, int length) {
            }

            @Override
            public boolean reserve(Path path, FileChannel channel, long position, long length) {
                reserved.add(length);
                return true;
            }
        }, store.resolve("commitlog"));
        assertThat(reserving.reserve(store.resolve("commitlog/0"), null, 0, 1 << 30)).isTrue();
        assertThat(reserved).containsExactly(1L << 30);
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
