package io.tidemq.broker.retry;

import io.tidemq.broker.support.AtomicJsonFile;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NavigableSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The dead letters resent one by one (by id) that a "resend all" has not passed yet: their DLQ queue offsets,
 * per dead-letter topic, kept in {@code config/dlqResentById.json} so a later "resend all" skips them, across
 * restarts too. An offset is forgotten once the group's resend cursor passes it, so the file holds only the
 * by-id resends ahead of the cursor.
 *
 * <p>Thread-safety: every method is synchronized; the admin executor calls them.
 */
final class ResentDeadLetters {

    /** The file's content: DLQ topic to the offsets resent by id, ascending. */
    record Document(Map<String, List<Long>> resentById) {
    }

    private final AtomicJsonFile file;
    /** DLQ topic to offsets; guarded by {@code this}. */
    private final Map<String, NavigableSet<Long>> offsets = new TreeMap<>();

    ResentDeadLetters(Path path) {
        this.file = new AtomicJsonFile(path);
        Document d = file.read(Document.class);
        if (d != null && d.resentById() != null) {
            d.resentById().forEach((dlq, list) -> offsets.put(dlq, new TreeSet<>(list)));
        }
    }

    /** Records that the dead letter at {@code offset} of {@code dlq} was resent, unless the cursor passed it. */
    synchronized void add(String dlq, long offset, long cursor) {
        if (offset < cursor) {
            return;
        }
        if (offsets.computeIfAbsent(dlq, k -> new TreeSet<>()).add(offset)) {
            persist();
        }
    }

    synchronized boolean contains(String dlq, long offset) {
        NavigableSet<Long> set = offsets.get(dlq);
        return set != null && set.contains(offset);
    }

    /** Forgets the offsets of {@code dlq} below {@code cursor}: the resend cursor has passed them. */
    synchronized void forgetBelow(String dlq, long cursor) {
        NavigableSet<Long> set = offsets.get(dlq);
        if (set == null || set.isEmpty() || set.first() >= cursor) {
            return;
        }
        set.headSet(cursor, false).clear();
        if (set.isEmpty()) {
            offsets.remove(dlq);
        }
        persist();
    }

    private void persist() {
        Map<String, List<Long>> doc = new TreeMap<>();
        offsets.forEach((dlq, set) -> doc.put(dlq, new ArrayList<>(set)));
        file.write(new Document(doc));
    }
}
