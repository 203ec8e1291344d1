package io.tidemq.controller.client;

import io.tidemq.common.concurrent.ServiceThread;
import io.tidemq.controller.ControllerUnavailableException;
import io.tidemq.controller.state.Command;
import io.tidemq.controller.state.GroupState;
import io.tidemq.controller.state.ReplicaInfo;
import io.tidemq.controller.state.Reply;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.IntSupplier;
import java.util.function.LongSupplier;

/**
 * A broker replica's side of the controller: registers its identity once per process, heartbeats <b>every</b>
 * controller peer each interval (liveness is per peer, so a new controller leader knows at once who is alive),
 * and hands the newest group state it hears to a listener: the newest is the one with the highest (master epoch,
 * in-sync set epoch), since a peer that trails the quorum may answer with an older one.
 *
 * <p>Threads: one service thread ({@code tidemq-controller-agent}) registers and heartbeats; one role thread
 * ({@code tidemq-controller-role}) calls the listener with each newer state, so a slow role change never delays a
 * heartbeat; heartbeat answers arrive on the client's network threads, which only queue them for the service thread;
 * {@link #latest()} may be read from any thread.
 */
public final class ReplicaAgent implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ReplicaAgent.class);
    /** The shortest wait for a controller's answer (300 ms, the old bound, dropped every answer at load 40+). */
    static final long ANSWER_TIMEOUT_MIN_MS = 3_000;

    private final List<String> controllers;
    private final String group;
    private final ReplicaInfo self;
    private final IntSupplier lastEpoch;
    private final LongSupplier maxOffset;
    private final Consumer<GroupState> listener;
    private final ControllerServiceClient client;
    private final ServiceThread thread;
    /** Service thread only. */
    private boolean registered;
    /** The newest group state the listener applied; written by the role thread under this lock, read by anyone. */
    private volatile GroupState latest;
    /** The newest state heard and not applied yet, or null; guarded by this. */
    private GroupState pending;
    /** Whether the role thread has been handed {@link #applyPending}; guarded by this. */
    private boolean applying;
    /** Runs the listener (role changes), apart from the heartbeats. */
    private final ExecutorService roleThread = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "tidemq-controller-role");
        t.setDaemon(true);
        return t;
    });
    /**
     * Until when (System.nanoTime) a master may take writes on its controller lease: the send time of the last
     * heartbeat the quorum's leader answered with a leadership a majority confirmed (its lease term) plus three quarters of the lease (the leader elects another master no
     * earlier than a full lease after it received that heartbeat, and a quarter is kept for scheduling delays and
     * clock rates). Written by the service thread, read by anyone; {@link Long#MIN_VALUE} before the first.
     */
    private volatile long leaseValidUntilNanos = Long.MIN_VALUE;
    /** The highest confirmed leader term that renewed the lease; an answer of an older term renews nothing. Service thread. */
    private long leaseTerm = -1;
    private final long heartbeatIntervalMs;
    /** How long a heartbeat's answer may take: far longer than the interval, so a slow peer's answer still counts. */
    private final long answerTimeoutMs;
    /** Heartbeat answers and failures, handed from the client's network threads to the service thread. */
    private final LinkedBlockingQueue<Answered> answers = new LinkedBlockingQueue<>();

    /** One heartbeat's outcome: the answer, or why there was none. */
    private record Answered(String address, long sentNanos, ControllerServiceClient.HeartbeatAnswer answer,
                            Throwable failure) {
    }

    /**
     * @param controllers         every controller peer's {@code host:controllerListenPort}
     * @param self                this replica's identity (its incarnation new at each process start)
     * @param lastEpoch           the last epoch of this replica's log lineage, read at each heartbeat
     * @param maxOffset           this replica's log end, read at each heartbeat
     * @param heartbeatIntervalMs several per master lease (the controller's {@code masterLeaseMs})
     * @param listener            called on the role thread with each newer group state (role, epoch, in-sync set)
     */
    public ReplicaAgent(List<String> controllers, String group, ReplicaInfo self, IntSupplier lastEpoch,
                        LongSupplier maxOffset, long heartbeatIntervalMs, Consumer<GroupState> listener) {
        if (controllers.isEmpty()) {
            throw new IllegalArgumentException("controllerAddresses is empty; name every controller peer");
        }
        this.controllers = List.copyOf(controllers);
        this.group = Objects.requireNonNull(group, "group");
        this.self = Objects.requireNonNull(self, "self");
        this.lastEpoch = lastEpoch;
        this.maxOffset = maxOffset;
        this.listener = listener;
        this.heartbeatIntervalMs = heartbeatIntervalMs;
        // registrations, elections and in-sync set changes commit through Ratis: on a loaded machine that takes
        // longer than a heartbeat interval, and a call given up on the client may still have been applied
        this.answerTimeoutMs = Math.max(ANSWER_TIMEOUT_MIN_MS, 10 * heartbeatIntervalMs);
        this.client = new ControllerServiceClient(answerTimeoutMs);
        this.thread = ServiceThread.every("tidemq-controller-agent", heartbeatIntervalMs, this::round,
                e -> LOG.warn("controller agent round failed; the next round retries", e));
    }

    public void start() {
        thread.start();
    }

    /** The newest group state heard from any peer, or null before the first answer. */
    public GroupState latest() {
        return latest;
    }

    /**
     * Until when ({@link System#nanoTime()}) this replica, when master, holds its controller lease: see
     * {@link #leaseValidUntilNanos}. {@link Long#MIN_VALUE} before a leader answered.
     */
    public long leaseValidUntilNanos() {
        return leaseValidUntilNanos;
    }

    /**
     * Asks the controller to elect {@code candidateId} master of {@code group} (a clean election: the candidate must
     * be in the in-sync set), through any peer that answers; the reply's group state is heard as a heartbeat's.
     */
    public Reply elect(String group, int candidateId) throws ControllerUnavailableException {
        ControllerUnavailableException last = null;
        for (String address : controllers) {
            try {
                Reply reply = client.elect(address, group, candidateId, false);
                offer(reply.group());
                return reply;
            } catch (ControllerUnavailableException e) {
                last = e;
            }
        }
        throw last;
    }

    /** Proposes an in-sync set change (by the master, for its epoch) through any peer that answers. */
    public Reply alterIsr(Command.AlterIsr command) throws ControllerUnavailableException {
        ControllerUnavailableException last = null;
        for (String address : controllers) {
            try {
                Reply reply = client.alterIsr(address, command);
                offer(reply.group());
                return reply;
            } catch (ControllerUnavailableException e) {
                last = e;
            }
        }
        throw last;
    }

    /**
     * Heartbeats every peer at once and acts on the answers that arrive within one interval, in order of arrival; an
     * answer slower than that is acted on at a later round (a late answer still carries the state, and the lease counts
     * from the heartbeat's send), never dropped. A dead or blackholed peer delays no other.
     */
    private void round() {
        if (!registered) {
            register();
        }
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(heartbeatIntervalMs);
        int waiting = 0;
        for (String address : controllers) {
            // sent every round even while an earlier one is unanswered: the controller records liveness when a
            // heartbeat arrives, and waiting for a slow answer would make a live replica look dead (at most
            // answerTimeoutMs / heartbeatIntervalMs heartbeats are in flight per peer)
            long sentNanos = System.nanoTime();
            waiting++;
            client.heartbeatAnswerAsync(address, group, self.replicaId(), self.incarnation(), lastEpoch.getAsInt(),
                    maxOffset.getAsLong(), answerTimeoutMs).whenComplete((answer, failure) ->
                    answers.add(new Answered(address, sentNanos, answer, failure)));
        }
        try {
            while (true) {
                long left = deadline - System.nanoTime();
                Answered a = waiting > 0 && left > 0 ? answers.poll(left, TimeUnit.NANOSECONDS) : answers.poll();
                if (a == null) {
                    return;
                }
                waiting--;
                onAnswer(a);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void onAnswer(Answered a) {
        if (a.failure() != null) {
            LOG.debug("controller {} missed a heartbeat: {}", a.address(), a.failure().getMessage());
            return;
        }
        ControllerServiceClient.HeartbeatAnswer answer = a.answer();
        // only a leadership a majority confirmed about when this heartbeat arrived, in the newest term seen
        if (answer.leaseTerm() >= 0 && answer.leaseTerm() >= leaseTerm && answer.masterLeaseMs() > 0) {
            leaseTerm = answer.leaseTerm();
            // before the listener: a replica the answer makes master starts with its lease renewed
            long until = leaseEnd(a.sentNanos(), answer.masterLeaseMs(), answer.leaseAgeMs());
            if (until > leaseValidUntilNanos) {
                leaseValidUntilNanos = until;
            }
        }
        offer(answer.reply().group());
    }

    /**
     * Where a lease renewed by a heartbeat sent at {@code sentNanos} ends: {@code 0.9 lease - leaseAgeMs} after the
     * send (the controller's leadership was confirmed {@code leaseAgeMs} before the heartbeat arrived; see
     * ControllerNode#confirmedLeadership for why that is safe), at most 3/4 of the lease; {@code sentNanos} itself
     * (nothing renewed) when the confirmation is too old. An answer without an age (an older controller) counts as
     * 15 % of the lease old, the most such a controller allowed. Pure.
     */
    static long leaseEnd(long sentNanos, long masterLeaseMs, long leaseAgeMs) {
        long leaseNanos = TimeUnit.MILLISECONDS.toNanos(masterLeaseMs);
        long ageNanos = leaseAgeMs == ControllerServiceClient.UNKNOWN_LEASE_AGE ? leaseNanos * 15 / 100
                : TimeUnit.MILLISECONDS.toNanos(leaseAgeMs);
        long length = Math.min(leaseNanos * 3 / 4, leaseNanos * 9 / 10 - ageNanos);
        return sentNanos + Math.max(0, length);
    }

    private void register() {
        for (String address : controllers) {
            try {
                Reply reply = client.register(address, new Command.RegisterReplica(group, self));
                if (reply.accepted()) {
                    registered = true;
                    LOG.info("replica {} of group {} registered with the controller (incarnation {})",
                            self.replicaId(), group, self.incarnation());
                    offer(reply.group());
                } else {
                    LOG.warn("the controller refused the registration of replica {} of group {}: {} {}",
                            self.replicaId(), group, reply.outcome(), reply.detail());
                }
                return;
            } catch (ControllerUnavailableException e) {
                LOG.debug("controller {} did not take the registration: {}", address, e.getMessage());
            }
        }
    }

    /**
     * Hands {@code g} to the role thread when it is newer than what was applied or is waiting to be: the listener
     * (a role change: starting a master's services can take seconds on a loaded machine) runs there, never on the
     * heartbeat thread, so a replica just elected keeps heartbeating while it becomes master (it did not, and the
     * controller elected another replica because this one's heartbeats had lapsed). Any thread.
     */
    private synchronized void offer(GroupState g) {
        if (g == null || !newer(g, latest) || !newer(g, pending)) {
            return;
        }
        pending = g;
        if (!applying) {
            applying = true;
            roleThread.execute(this::applyPending);
        }
    }

    private static boolean newer(GroupState g, GroupState known) {
        return known == null || g.masterEpoch() > known.masterEpoch()
                || g.masterEpoch() == known.masterEpoch() && g.isrEpoch() > known.isrEpoch();
    }

    /**
     * Role thread: applies the newest waiting state, and keeps it once the listener returned (a listener that fails
     * is offered the same state again by the next answer).
     */
    private void applyPending() {
        while (true) {
            GroupState g;
            synchronized (this) {
                g = pending;
                pending = null;
                if (g == null) {
                    applying = false;
                    return;
                }
            }
            try {
                listener.accept(g);
                synchronized (this) {
                    if (newer(g, latest)) {
                        latest = g;
                    }
                }
            } catch (RuntimeException e) {
                LOG.warn("acting on the controller's state of group {} failed; the next answer offers it again: {}",
                        group, e.getMessage(), e);
            }
        }
    }

    @Override
    public void close() {
        thread.shutdown(5000);
        roleThread.shutdown();
        try {
            roleThread.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        client.close();
    }
}
