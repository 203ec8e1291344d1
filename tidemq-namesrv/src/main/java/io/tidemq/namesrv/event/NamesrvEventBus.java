package io.tidemq.namesrv.event;

import io.tidemq.common.concurrent.NamedThreadFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

/**
 * Dispatches {@link NamesrvEvent}s to the {@link NamesrvEventHandler}s, in handler order, on one thread.
 *
 * <p>Why a single event thread rather than the caller's thread: the events of one broker must be applied
 * in the order they were decided. Registrations and heartbeats arrive on the request pool (several
 * threads), evictions on the liveness scan and the connection-event thread; dispatching on the caller
 * would let an eviction decided from a stale view overtake the registration that refreshed the broker, and
 * remove a live broker. On one thread every decision and every change is totally ordered, handlers need no
 * locks, and nothing is lost in throughput: route table writes are serialised by its write lock anyway,
 * while route reads (the hot path) never go through the bus.
 *
 * <p>{@link #publishDecided} runs a decision ("which brokers are expired?") on the event thread and
 * dispatches what it returns, so the decision sees exactly the table the handlers will change. The queue
 * is bounded: when it is full the returned future fails with {@link EventBusRejectedException} so the
 * request is answered busy instead of the NameServer running out of memory.
 */
public final class NamesrvEventBus implements AutoCloseable {

    public static final String THREAD_NAME = "tidemq-namesrv-events";

    private static final Logger LOG = LoggerFactory.getLogger(NamesrvEventBus.class);
    private static final long CLOSE_TIMEOUT_MS = 5_000;

    /** Sorted by order then class name; immutable. */
    private final List<NamesrvEventHandler> handlers;
    private final NamesrvEventContext context;
    /** One thread: the only one that runs decisions and handlers (see the class comment). */
    private final ThreadPoolExecutor eventThread;
    /** Set once before the NameServer serves (by its start), read on the event thread; null = no journal. */
    private volatile EventJournal journal;
    /** Set once by the first {@link #close()}, so handlers are closed exactly once. */
    private final AtomicBoolean closed = new AtomicBoolean();

    public NamesrvEventBus(List<? extends NamesrvEventHandler> handlers, NamesrvEventContext context,
                           int queueCapacity) {
        List<NamesrvEventHandler> sorted = new ArrayList<>(handlers);
        sorted.sort(Comparator.comparingInt(NamesrvEventHandler::order)
                .thenComparing(h -> h.getClass().getName()));
        this.handlers = List.copyOf(sorted);
        this.context = context;
        this.eventThread = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS,
                new ArrayBlockingQueue<>(queueCapacity), NamedThreadFactory.single(THREAD_NAME, true),
                new ThreadPoolExecutor.AbortPolicy());
    }

    /**
     * Loads every handler listed in {@code META-INF/services/io.tidemq.namesrv.event.NamesrvEventHandler}
     * visible to {@code loader}.
     *
     * @throws IllegalStateException when a listed handler cannot be loaded or instantiated; a NameServer
     *                               silently running without a configured handler would be worse
     */
    public static List<NamesrvEventHandler> discoverHandlers(ClassLoader loader) {
        List<NamesrvEventHandler> found = new ArrayList<>();
        try {
            for (NamesrvEventHandler handler : ServiceLoader.load(NamesrvEventHandler.class, loader)) {
                found.add(handler);
            }
        } catch (ServiceConfigurationError e) {
            throw new IllegalStateException("cannot load a NameServer event handler listed in META-INF/services/"
                    + NamesrvEventHandler.class.getName() + ": " + e.getMessage()
                    + "; fix or remove that line (a handler needs a public no-argument constructor)", e);
        }
        return found;
    }

    /** The handlers in dispatch order. */
    public List<NamesrvEventHandler> handlers() {
        return handlers;
    }

    /** The loaded handler of a type, for instance to read its state in a test or an admin command. */
    public <T extends NamesrvEventHandler> Optional<T> handler(Class<T> type) {
        for (NamesrvEventHandler h : handlers) {
            if (type.isInstance(h)) {
                return Optional.of(type.cast(h));
            }
        }
        return Optional.empty();
    }

    /** Installs the journal that sees every decided event (see {@link EventJournal}); call before publishing. */
    public void setJournal(EventJournal journal) {
        this.journal = journal;
    }

    /** Queues one event; the future completes once every handler has seen it. */
    public CompletableFuture<Void> publish(NamesrvEvent event) {
        return publishDecided(() -> List.of(event)).thenApply(dispatched -> null);
    }

    /**
     * Queues a decision: on the event thread, {@code decision} is called and each event it returns is
     * dispatched, in list order. The future completes with the dispatched events once every handler has
     * seen them, or exceptionally when the decision threw or the bus rejected the work.
     */
    public CompletableFuture<List<NamesrvEvent>> publishDecided(
            Supplier<? extends List<? extends NamesrvEvent>> decision) {
        return submit(decision, true);
    }

    /**
     * Like {@link #publishDecided}, for events that come from a replicated registry operation (a backup applying
     * its primary's changes, or work that must run on the event thread and returns no event): the journal does not
     * see them.
     */
    public CompletableFuture<List<NamesrvEvent>> publishReplicated(
            Supplier<? extends List<? extends NamesrvEvent>> decision) {
        return submit(decision, false);
    }

    private CompletableFuture<List<NamesrvEvent>> submit(Supplier<? extends List<? extends NamesrvEvent>> decision,
                                                         boolean journaled) {
        CompletableFuture<List<NamesrvEvent>> done = new CompletableFuture<>();
        try {
            eventThread.execute(new DispatchJob(decision, done, journaled));
        } catch (RejectedExecutionException e) {
            boolean closed = eventThread.isShutdown();
            done.completeExceptionally(new EventBusRejectedException(closed
                    ? "the NameServer is shutting down; register with another NameServer"
                    : "the NameServer's event queue is full (" + eventThread.getQueue().size()
                    + " events waiting); retry later", closed));
        }
        return done;
    }

    /** One queued decision and the future of whoever published it. */
    private final class DispatchJob implements Runnable {

        private final Supplier<? extends List<? extends NamesrvEvent>> decision;
        private final CompletableFuture<List<NamesrvEvent>> done;
        private final boolean journaled;

        DispatchJob(Supplier<? extends List<? extends NamesrvEvent>> decision,
                    CompletableFuture<List<NamesrvEvent>> done, boolean journaled) {
            this.decision = decision;
            this.done = done;
            this.journaled = journaled;
        }

        @Override
        public void run() {
            List<NamesrvEvent> events;
            try {
                events = List.copyOf(decision.get());
            } catch (RuntimeException | Error e) {
                LOG.error("NameServer event decision failed; no event dispatched", e);
                done.completeExceptionally(e);
                return;
            }
            for (NamesrvEvent event : events) {
                dispatch(event);
            }
            EventJournal j = journal;
            if (journaled && j != null && !events.isEmpty()) {
                try {
                    j.onApplied(events);
                } catch (RuntimeException e) {
                    LOG.error("NameServer event journal failed on {}; the change is not replicated", events, e);
                }
            }
            done.complete(events);
        }

        void abandon() {
            done.completeExceptionally(new EventBusRejectedException(
                    "the NameServer shut down before handling this request; register with another NameServer", true));
        }
    }

    private void dispatch(NamesrvEvent event) {
        for (NamesrvEventHandler handler : handlers) {
            try {
                if (handler.supports(event)) {
                    handler.onEvent(event, context);
                }
            } catch (VirtualMachineError e) {
                throw e;
            } catch (Throwable t) {
                context.metrics().recordHandlerFailure();
                LOG.error("NameServer event handler {} failed on {}; the other handlers still ran",
                        handler.getClass().getName(), event, t);
            }
        }
    }

    private List<Runnable> abandonQueued() {
        List<Runnable> dropped = eventThread.shutdownNow();
        for (Runnable r : dropped) {
            ((DispatchJob) r).abandon();
        }
        return dropped;
    }

    /**
     * Runs the events already queued, stops the event thread, then closes every handler. Idempotent;
     * publishing afterwards fails with {@link EventBusRejectedException}.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        eventThread.shutdown();
        try {
            if (!eventThread.awaitTermination(CLOSE_TIMEOUT_MS, TimeUnit.MILLISECONDS)) {
                List<Runnable> dropped = abandonQueued();
                LOG.warn("NameServer event thread did not finish its queue within {} ms; {} events dropped",
                        CLOSE_TIMEOUT_MS, dropped.size());
            }
        } catch (InterruptedException e) {
            abandonQueued();
            Thread.currentThread().interrupt();
        }
        for (NamesrvEventHandler handler : handlers) {
            try {
                handler.close();
            } catch (Exception e) {
                LOG.warn("NameServer event handler {} failed to close", handler.getClass().getName(), e);
            }
        }
    }
}
