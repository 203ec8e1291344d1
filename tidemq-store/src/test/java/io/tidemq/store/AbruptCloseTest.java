package io.tidemq.store;

import io.tidemq.store.api.FlushMode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static io.tidemq.store.TestStores.message;
import static io.tidemq.store.TestStores.smallConfig;
import static org.assertj.core.api.Assertions.assertThatCode;

/** closeAbruptly() (a crash inside one JVM) with SYNC puts still in flight (found by the power-loss simulator). */
class AbruptCloseTest {

    @TempDir
    Path dir;

    @Test
    void anAbruptCloseWithSyncPutsInFlightReleasesTheStore() {
        for (int round = 0; round < 20; round++) {
            DefaultMessageStore store = new DefaultMessageStore(smallConfig(dir.resolve("r" + round))
                    .flushMode(FlushMode.SYNC).build());
            store.start();
            store.putMessage(message("t", 0, "first")).join();
            for (int i = 0; i < 200; i++) {
                store.putMessage(message("t", 0, "in flight " + i));
            }
            assertThatCode(store::closeAbruptly).as("round %d", round).doesNotThrowAnyException();
        }
    }
}
