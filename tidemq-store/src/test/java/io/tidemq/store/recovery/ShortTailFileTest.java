package io.tidemq.store.recovery;

import io.tidemq.store.DefaultMessageStore;
import io.tidemq.store.TestStores;
import io.tidemq.store.api.PutResult;
import io.tidemq.store.file.MappedFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

import static io.tidemq.store.TestStores.message;
import static io.tidemq.store.TestStores.smallConfig;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Found by the power-loss simulator (seed 5e1ee5d9ddac8fb3, ASYNC, preallocate false): a new CommitLog file's
 * size grows while its zeros are written; an fsync of any other file in the middle commits the journal with the
 * size of that moment, and a power loss before the next commit leaves the file that short on disk, with the
 * records the kernel wrote back in its first pages. Nothing in it was fsynced (an fsync of the file itself would
 * have committed its full size), so nothing in it was acknowledged as durable; the store must start and recover
 * what is valid, not refuse to start as if the file-size setting had changed.
 */
class ShortTailFileTest {

    @TempDir
    Path dir;

    @Test
    void aLastCommitLogFileCutShortByAPowerLossIsCompletedAndRecoveredByChecksum() throws Exception {
        long firstOfSecondFile;
        long end;
        DefaultMessageStore store = new DefaultMessageStore(smallConfig(dir).preallocateNextFile(false).build());
        store.start();
        PutResult last;
        do {
            last = store.putMessage(message("t", 0, 300)).join();
        } while (last.physicalOffset() < TestStores.FILE_BYTES);
        firstOfSecondFile = last.physicalOffset();
        end = last.endOffset();
        store.closeAbruptly();

        Path second = store.config().commitLogDir().resolve(MappedFile.fileName(TestStores.FILE_BYTES));
        try (FileChannel channel = FileChannel.open(second, StandardOpenOption.WRITE)) {
            channel.truncate(MappedFile.OS_PAGE_BYTES); // the size the journal had committed
        }
        assertThat(Files.size(second)).isEqualTo(MappedFile.OS_PAGE_BYTES);

        DefaultMessageStore reopened = new DefaultMessageStore(smallConfig(dir).preallocateNextFile(false).build());
        reopened.start();
        try {
            assertThat(Files.size(second)).isEqualTo(TestStores.FILE_BYTES);
            assertThat(reopened.commitLogMaxOffset()).isEqualTo(end);
            assertThat(reopened.readByPhysicalOffset(firstOfSecondFile).queueOffset()).isEqualTo(last.queueOffset());
            reopened.putMessage(message("t", 0, "after")).join();
        } finally {
            reopened.close();
        }
    }
}
