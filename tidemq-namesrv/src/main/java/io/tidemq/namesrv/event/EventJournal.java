package io.tidemq.namesrv.event;

import java.util.List;

/**
 * Sees the events of each decision right after the handlers applied them, on the event thread, in decision
 * order: the replicating primary turns them into numbered registry operations. Events applied from a
 * replicated operation ({@link NamesrvEventBus#publishReplicated}) are not journaled again.
 */
@FunctionalInterface
public interface EventJournal {

    /** Called on the event thread; must be quick and must not throw. */
    void onApplied(List<NamesrvEvent> events);
}
