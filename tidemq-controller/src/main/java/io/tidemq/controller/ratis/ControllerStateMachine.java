package io.tidemq.controller.ratis;

import io.tidemq.controller.codec.ControllerCodec;
import io.tidemq.controller.codec.MalformedControllerMessageException;
import io.tidemq.controller.state.Command;
import io.tidemq.controller.state.ControllerState;
import io.tidemq.controller.state.Outcome;
import io.tidemq.controller.state.Reply;
import org.apache.ratis.io.MD5Hash;
import org.apache.ratis.proto.RaftProtos.LogEntryProto;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftClientRequest;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftGroupMemberId;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.protocol.TermIndex;
import org.apache.ratis.server.raftlog.RaftLog;
import org.apache.ratis.server.storage.FileInfo;
import org.apache.ratis.server.storage.RaftStorage;
import org.apache.ratis.statemachine.StateMachineStorage;
import org.apache.ratis.statemachine.TransactionContext;
import org.apache.ratis.statemachine.impl.BaseStateMachine;
import org.apache.ratis.statemachine.impl.SimpleStateMachineStorage;
import org.apache.ratis.statemachine.impl.SingleFileSnapshotInfo;
import org.apache.ratis.thirdparty.com.google.protobuf.ByteString;
import org.apache.ratis.util.LifeCycle;
import org.apache.ratis.util.MD5FileUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.CompletableFuture;

/**
 * The controller's Ratis state machine: {@link ControllerState} driven by the replicated log.
 *
 * <p>Malformed requests are refused in {@link #startTransaction} (leader side, before they reach the log). The
 * apply path decodes, applies the pure {@link ControllerState#apply} and encodes the reply: it never throws (an
 * exception there would close this Ratis server), reads no clock and does no I/O. Snapshots are the encoded
 * state (CRC32C inside, MD5 beside it, as Ratis expects), written by {@link #takeSnapshot} on Ratis's snapshot
 * trigger; the log is purged up to them ({@link ControllerRaftConfig}).
 */
public final class ControllerStateMachine extends BaseStateMachine {
    private static final Logger LOG = LoggerFactory.getLogger(ControllerStateMachine.class);

    private final SimpleStateMachineStorage storage = new SimpleStateMachineStorage();
    private final LeadershipListener leadership;
    /** Guards the pair (state, last applied index) so a snapshot names the index its state includes. */
    private final Object applyLock = new Object();
    /** Written under applyLock by the Ratis apply thread (and at load); read by queries without it. */
    private volatile ControllerState state = ControllerState.EMPTY;

    public ControllerStateMachine(LeadershipListener leadership) {
        this.leadership = leadership;
    }

    /** The state as applied on this peer (may trail the leader's). */
    public ControllerState state() {
        return state;
    }

    @Override
    public void initialize(RaftServer server, RaftGroupId groupId, RaftStorage raftStorage) throws IOException {
        super.initialize(server, groupId, raftStorage);
        storage.init(raftStorage);
        getLifeCycle().startAndTransition(() -> load(storage.getLatestSnapshot()), IOException.class);
    }

    /** Ratis pauses the machine before it installs a snapshot from the leader, then calls {@link #reinitialize}. */
    @Override
    public void pause() {
        getLifeCycle().transition(LifeCycle.State.PAUSING);
        getLifeCycle().transition(LifeCycle.State.PAUSED);
    }

    @Override
    public void reinitialize() throws IOException {
        load(storage.loadLatestSnapshot()); // the snapshot just installed from the leader
        getLifeCycle().transition(LifeCycle.State.STARTING);
        getLifeCycle().transition(LifeCycle.State.RUNNING);
    }

    @Override
    public StateMachineStorage getStateMachineStorage() {
        return storage;
    }

    @Override
    public TransactionContext startTransaction(RaftClientRequest request) throws IOException {
        ByteString content = request.getMessage().getContent();
        TransactionContext trx = TransactionContext.newBuilder()
                .setStateMachine(this)
                .setClientRequest(request)
                .setLogData(content)
                .build();
        try {
            ControllerCodec.decodeCommand(content.toByteArray());
        } catch (MalformedControllerMessageException e) {
            trx.setException(new IllegalArgumentException("refused before logging: " + e.getMessage(), e));
        }
        return trx;
    }

    @Override
    public CompletableFuture<Message> applyTransaction(TransactionContext trx) {
        LogEntryProto entry = trx.getLogEntry();
        Reply reply;
        synchronized (applyLock) {
            reply = applyEntry(entry.getStateMachineLogEntry().getLogData().toByteArray());
            updateLastAppliedTermIndex(entry.getTerm(), entry.getIndex());
        }
        return CompletableFuture.completedFuture(Message.valueOf(ByteString.copyFrom(ControllerCodec.encodeReply(reply))));
    }

    /** Decode and apply one log entry; never throws. Caller holds applyLock. */
    private Reply applyEntry(byte[] data) {
        Command command;
        try {
            command = ControllerCodec.decodeCommand(data);
        } catch (MalformedControllerMessageException e) {
            // Only reachable for an entry logged by a build that reads another format: skip it, equally on every peer.
            return new Reply(Outcome.INVALID, e.getMessage(), null);
        }
        ControllerState.Transition t = state.apply(command);
        state = t.state();
        return t.reply();
    }

    @Override
    public CompletableFuture<Message> query(Message request) {
        try {
            ControllerCodec.Query q = ControllerCodec.decodeQuery(request.getContent().toByteArray());
            ControllerState s = state;
            byte[] answer = q.all()
                    ? ControllerCodec.encodeState(s)
                    : ControllerCodec.encodeReply(s.group(q.group()) == null
                            ? new Reply(Outcome.UNKNOWN_GROUP, "no replica of group " + q.group() + " registered", null)
                            : new Reply(Outcome.ACCEPTED, "", s.group(q.group())));
            return CompletableFuture.completedFuture(Message.valueOf(ByteString.copyFrom(answer)));
        } catch (MalformedControllerMessageException e) {
            return CompletableFuture.failedFuture(new IllegalArgumentException(e.getMessage(), e));
        }
    }

    @Override
    public long takeSnapshot() throws IOException {
        ControllerState snapshotState;
        TermIndex last;
        synchronized (applyLock) {
            snapshotState = state;
            last = getLastAppliedTermIndex();
        }
        if (last == null || last.getIndex() < 0) {
            return RaftLog.INVALID_LOG_INDEX;
        }
        File file = storage.getSnapshotFile(last.getTerm(), last.getIndex());
        Path tmp = file.toPath().resolveSibling(file.getName() + ".tmp");
        Files.write(tmp, ControllerCodec.encodeSnapshot(snapshotState), StandardOpenOption.CREATE,
                StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE, StandardOpenOption.SYNC);
        Files.move(tmp, file.toPath(), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        MD5Hash md5 = MD5FileUtil.computeAndSaveMd5ForFile(file);
        storage.updateLatestSnapshot(new SingleFileSnapshotInfo(new FileInfo(file.toPath(), md5), last));
        LOG.info("controller snapshot at {} ({} groups)", last, snapshotState.groups().size());
        return last.getIndex();
    }

    private void load(SingleFileSnapshotInfo snapshot) throws IOException {
        if (snapshot == null) {
            return;
        }
        Path path = snapshot.getFile().getPath();
        if (!Files.exists(path)) {
            throw new IOException("controller snapshot " + path + " is listed but missing; restore it or remove "
                    + "this peer's storage directory so it copies the state from the others");
        }
        if (snapshot.getFile().getFileDigest() != null) {
            MD5FileUtil.verifySavedMD5(path.toFile(), snapshot.getFile().getFileDigest());
        }
        ControllerState loaded;
        try {
            loaded = ControllerCodec.decodeSnapshot(Files.readAllBytes(path));
        } catch (MalformedControllerMessageException e) {
            throw new IOException("controller snapshot " + path + " is unreadable (" + e.getMessage()
                    + "); remove this peer's storage directory so it copies the state from the others", e);
        }
        synchronized (applyLock) {
            state = loaded;
            setLastAppliedTermIndex(snapshot.getTermIndex());
        }
        LOG.info("controller state loaded from snapshot {} ({} groups)", snapshot.getTermIndex(),
                loaded.groups().size());
    }

    @Override
    public void notifyLeaderReady() {
        getServer().thenAccept(server -> {
            try {
                leadership.onLeaderReady(server.getDivision(getGroupId()).getInfo().getCurrentTerm());
            } catch (IOException e) {
                LOG.warn("leader ready but the division is gone", e);
            }
        });
    }

    @Override
    public void notifyLeaderChanged(RaftGroupMemberId member, RaftPeerId newLeaderId) {
        if (!member.getPeerId().equals(newLeaderId)) {
            leadership.onNotLeader();
        }
    }
}
