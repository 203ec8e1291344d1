package io.tidemq.store.index;

import java.nio.file.Path;

/** An index file on disk cannot be read back; the message tells the operator how to recover. */
public final class IndexFileCorruptedException extends RuntimeException {

    public IndexFileCorruptedException(Path file, String problem) {
        super("Key index file " + file + " is unreadable (" + problem + "). The key index is derived data: stop the"
                + " broker, delete " + file + " and every newer file in " + file.getParent()
                + ", then restart; the store re-indexes the CommitLog from maxIndexedCommitLogOffset().");
    }
}
