package io.tidemq.namesrv.spi;

import io.tidemq.namesrv.event.NamesrvEvent;
import io.tidemq.namesrv.event.NamesrvEventContext;
import io.tidemq.namesrv.event.NamesrvEventHandler;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A test plug-in discovered through src/test/resources/META-INF/services: records every event. Runs last
 * so it also shows that a throwing handler before it did not stop the bus.
 */
public final class RecordingEventHandler implements NamesrvEventHandler {

    /** Written on the event thread, read by tests. */
    private final List<NamesrvEvent> events = new CopyOnWriteArrayList<>();

    @Override
    public int order() {
        return 1_000;
    }

    @Override
    public void onEvent(NamesrvEvent event, NamesrvEventContext context) {
        events.add(event);
    }

    public List<NamesrvEvent> events() {
        return List.copyOf(events);
    }

    public <T extends NamesrvEvent> List<T> events(Class<T> kind) {
        return events.stream().filter(kind::isInstance).map(kind::cast).toList();
    }
}
