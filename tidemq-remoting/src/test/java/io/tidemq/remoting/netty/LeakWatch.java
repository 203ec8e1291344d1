package io.tidemq.remoting.netty;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.util.ResourceLeakDetector;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Fails a test when Netty's leak detector (paranoid level, set by the build) reports a ByteBuf that was
 * garbage collected without being released. Reports happen on later allocations, so the check collects
 * garbage and allocates a few buffers before looking.
 */
public final class LeakWatch implements AutoCloseable {

    private final LogCapture leaks = new LogCapture(ResourceLeakDetector.class);

    public void assertNoLeaks() {
        for (int round = 0; round < 3; round++) {
            System.gc();
            for (int i = 0; i < 64; i++) {
                ByteBuf probe = PooledByteBufAllocator.DEFAULT.directBuffer(16);
                probe.release();
            }
        }
        assertThat(leaks.lines()).filteredOn(line -> line.contains("LEAK")).isEmpty();
    }

    @Override
    public void close() {
        leaks.close();
    }
}
