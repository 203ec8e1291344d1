package io.tidemq.store.sim;

import io.tidemq.store.file.DurabilityListener;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

/**
 * A model of what a disk holds under one store directory, fed by the store's {@link DurabilityListener} seam.
 *
 * <ul>
 *   <li><b>Data</b>: per file (identified by its inode, so a deleted and re-created name is a new file), a
 *       shadow "durable image": the content of every page at the moment it was last forced. A page never forced
 *       is zeros on disk (files are created sparse).</li>
 *   <li><b>Names</b> (create, delete, rename, size): journaled in order, as ext4 does. Every fsync of anything
 *       commits every earlier name change; so after a power loss the directory tree is the one of the last fsync
 *       or, if the journal committed on its own timer since, the one of the moment power was lost.</li>
 * </ul>
 *
 * At {@link #powerLoss} the on-disk image is built: the durable image of every file of the chosen tree, plus,
 * for each page whose current content (the page cache) differs from its durable content, the current page with
 * a probability: the kernel may have written any dirty page back, in any order, before power went.
 *
 * <p>Threads: listener calls come from the store's threads; everything is guarded by {@code this}.
 */
final class SimulatedDisk implements DurabilityListener {

    static final int PAGE_BYTES = 4096;

    /** One name in a directory tree snapshot. */
    private record Name(Object fileKey, long sizeBytes) {
    }

    private Path root;
    /** Set at the power-loss (or kill) moment: nothing reported later is durable. */
    private volatile boolean frozen;
    /**
     * Counts crashes and adopted images (written under this, read by any thread): a store's SYNC acknowledgement
     * is a durability promise only while the epoch is the one its put was made in (see {@link #isLive}).
     */
    private volatile long epoch;
    /** Guarded by this. Whether a name changed since the tree was last committed. */
    private boolean namesChanged;
    /** Guarded by this. The tree as of the last fsync: path relative to root -> name. */
    private Map<Path, Name> committedTree = new TreeMap<>();
    /** Guarded by this. The tree at the moment of the last freeze. */
    private Map<Path, Name> treeAtFreeze = new TreeMap<>();
    /** Guarded by this. Durable content per file key. */
    private final Map<Object, byte[]> durable = new HashMap<>();
    /** Guarded by this. Where each file key was last seen, to tell a rename from a re-used inode number. */
    private final Map<Object, Path> lastPathOfKey = new HashMap<>();
    /** Guarded by this. Counters for the report. */
    private long forces;
    private long ignoredAfterFreeze;

    SimulatedDisk(Path root) {
        adopt(root);
    }

    /** Takes every file under {@code newRoot} as durable (it was just written as the on-disk image). */
    synchronized void adopt(Path newRoot) {
        root = newRoot;
        epoch++;
        durable.clear();
        lastPathOfKey.clear();
        frozen = false;
        namesChanged = false;
        committedTree = walk();
        for (Map.Entry<Path, Name> e : committedTree.entrySet()) {
            durable.put(e.getValue().fileKey(), read(root.resolve(e.getKey())));
            lastPathOfKey.put(e.getValue().fileKey(), e.getKey());
        }
    }

    Path root() {
        return root;
    }

    boolean isFrozen() {
        return frozen;
    }

    /** The current epoch, to be handed to {@link #isLive} later. */
    long epoch() {
        return epoch;
    }

    /**
     * Whether nothing was frozen or adopted since {@code epochThen}. An acknowledgement checked here was preceded
     * by its fsync, which was therefore reported before any freeze and is in the durable image. A crashed store's
     * threads may still complete puts after {@link #unfreeze()} or {@link #adopt}: those fsyncs came after the
     * crash instant and were ignored, so such an acknowledgement promises nothing.
     */
    boolean isLive(long epochThen) {
        return !frozen && epoch == epochThen;
    }

    /** The moment of a crash: later forces are not durable. Names may still be committed by the journal timer. */
    synchronized void freeze() {
        epoch++;
        treeAtFreeze = walk();
        frozen = true;
    }

    /**
     * {@link #freeze()}, returning {@code file}'s content at that instant (null when absent). Read under the same
     * lock as the force reports, so a checkpoint whose forced temp file was reported before the freeze is read
     * whole or not at all, and any later one can be undone.
     */
    synchronized byte[] freezeReading(Path file) {
        freeze();
        try {
            return Files.exists(file) ? Files.readAllBytes(file) : null;
        } catch (IOException e) {
            return null;
        }
    }

    /** After a process crash (the page cache survived), the machine runs on: forces count again. */
    synchronized void unfreeze() {
        frozen = false;
    }

    synchronized long forces() {
        return forces;
    }

    @Override
    public void forced(Path file, ByteBuffer mapping, int fromPosition, int toPosition) {
        if (!file.startsWith(root)) {
            return;
        }
        synchronized (this) {
            if (frozen) {
                ignoredAfterFreeze++;
                return;
            }
            forces++;
            Object key = commitTreeAndKeyOf(file);
            if (key == null) {
                return;
            }
            int capacity = mapping.capacity();
            byte[] image = durable.get(key);
            if (image == null || image.length != capacity) {
                image = image == null ? new byte[capacity] : Arrays.copyOf(image, capacity);
                durable.put(key, image);
            }
            int from = (fromPosition / PAGE_BYTES) * PAGE_BYTES;
            int to = Math.min(capacity, ((toPosition + PAGE_BYTES - 1) / PAGE_BYTES) * PAGE_BYTES);
            mapping.duplicate().get(from, image, from, to - from);
        }
    }

    @Override
    public void fileForced(Path file) {
        if (!file.startsWith(root)) {
            return;
        }
        synchronized (this) {
            if (frozen) {
                ignoredAfterFreeze++;
                return;
            }
            forces++;
            if (Files.isDirectory(file)) {
                namesChanged = true;
                commitTreeAndKeyOf(null);
                return;
            }
            Object key = commitTreeAndKeyOf(file);
            if (key != null) {
                durable.put(key, read(file));
            }
        }
    }

    @Override
    public void namespaceChanged(Path path) {
        if (path.startsWith(root)) {
            synchronized (this) {
                namesChanged = true;
            }
        }
    }

    /** An fsync commits the journal: the tree now is the committed tree. Returns {@code file}'s key. */
    private Object commitTreeAndKeyOf(Path file) {
        Path relative = file == null ? null : root.relativize(file);
        if (namesChanged || (relative != null && !committedTree.containsKey(relative))) {
            committedTree = walk();
            namesChanged = false;
            for (Map.Entry<Path, Name> e : committedTree.entrySet()) {
                Object key = e.getValue().fileKey();
                Path previous = lastPathOfKey.put(key, e.getKey());
                boolean renamedTemp = previous != null && previous.toString().equals(e.getKey() + ".tmp");
                if (previous != null && !previous.equals(e.getKey()) && !renamedTemp) {
                    durable.remove(key); // the inode number was re-used by a new file
                }
            }
        }
        if (relative == null) {
            return null;
        }
        Name name = committedTree.get(relative);
        return name == null ? null : name.fileKey();
    }

    /**
     * Builds what the disk holds after power is lost now and writes it under {@code target}.
     *
     * @param pageSurvival probability that a dirty page reached the disk anyway
     * @return a one-line summary of what was kept and dropped
     */
    synchronized String powerLoss(Random random, Path target, double pageSurvival) {
        if (!frozen) {
            freeze();
        }
        boolean journalTimerCommitted = random.nextInt(3) == 0;
        Map<Path, Name> tree = journalTimerCommitted ? treeAtFreeze : committedTree;
        int dirtyPages = 0;
        int keptPages = 0;
        for (Map.Entry<Path, Name> e : tree.entrySet()) {
            Name name = e.getValue();
            int size = (int) name.sizeBytes();
            byte[] image = Arrays.copyOf(durable.getOrDefault(name.fileKey(), new byte[0]), size);
            Path live = root.resolve(e.getKey());
            byte[] current = Files.exists(live) && name.fileKey().equals(keyOf(live)) ? read(live) : null;
            if (current != null) {
                for (int from = 0; from < size; from += PAGE_BYTES) {
                    int to = Math.min(size, Math.min(current.length, from + PAGE_BYTES));
                    if (to > from && !Arrays.equals(image, from, to, current, from, to)) {
                        dirtyPages++;
                        if (random.nextDouble() < pageSurvival) {
                            keptPages++;
                            System.arraycopy(current, from, image, from, to - from);
                        }
                    }
                }
            }
            write(target.resolve(e.getKey()), image);
        }
        return String.format("power loss: %s tree (%d files), %d dirty pages, %d reached the disk (p=%.2f)",
                journalTimerCommitted ? "current" : "last-fsync", tree.size(), dirtyPages, keptPages, pageSurvival);
    }

    /**
     * The regular files under the root with their sizes and keys: one stat per entry (the walk's own), where
     * listing and then reading each file's attributes took three; walking is most of the simulator's CPU time
     * (every fsync after a name change walks). A file that vanishes while listed is not part of the tree; a
     * directory that vanishes mid-listing makes the walk start again.
     */
    private Map<Path, Name> walk() {
        for (int attempt = 0; attempt < 10; attempt++) {
            Map<Path, Name> tree = new TreeMap<>();
            if (!Files.isDirectory(root)) {
                return tree;
            }
            try {
                Files.walkFileTree(root, new SimpleFileVisitor<>() {
                    @Override
                    public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) {
                        if (attributes.isRegularFile()) {
                            tree.put(root.relativize(file), new Name(attributes.fileKey(), attributes.size()));
                        }
                        return FileVisitResult.CONTINUE;
                    }

                    @Override
                    public FileVisitResult visitFileFailed(Path file, IOException e) {
                        return FileVisitResult.CONTINUE; // deleted since listed (retention, truncation)
                    }

                    @Override
                    public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
                        if (e != null) {
                            throw e;
                        }
                        return FileVisitResult.CONTINUE;
                    }
                });
                return tree;
            } catch (IOException | UncheckedIOException e) {
                // raced with a delete; again
            }
        }
        throw new IllegalStateException("cannot list " + root + " while files keep vanishing");
    }

    private static Object keyOf(Path file) {
        try {
            return Files.readAttributes(file, BasicFileAttributes.class).fileKey();
        } catch (IOException e) {
            return null;
        }
    }

    private static byte[] read(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            return new byte[0];
        }
    }

    private static void write(Path file, byte[] bytes) {
        try {
            Files.createDirectories(file.getParent());
            Files.write(file, bytes);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the power-loss image " + file, e);
        }
    }
}
