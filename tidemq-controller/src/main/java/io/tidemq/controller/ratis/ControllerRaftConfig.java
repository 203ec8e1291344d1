package io.tidemq.controller.ratis;

import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.grpc.GrpcConfigKeys;
import org.apache.ratis.server.RaftServerConfigKeys;
import org.apache.ratis.util.SizeInBytes;
import org.apache.ratis.util.TimeDuration;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * How one controller peer runs Ratis (immutable, validated here).
 *
 * @param selfId                  this peer's id in {@code peers}
 * @param peers                   every peer of the quorum (static membership)
 * @param storageDir              this peer's Ratis storage (log, metadata, snapshots); never shared
 * @param electionTimeoutMinMs    Ratis leader-election timeout range; 150-300 ms (Ratis's default) churns
 *                                leaders on a loaded 2-core machine, so the default here is 1-2 s
 * @param electionTimeoutMaxMs    see above
 * @param snapshotEveryEntries    take a snapshot (and purge the log up to it) after this many entries
 * @param logSegmentMaxBytes      Ratis log segment size; only closed segments are purged
 */
public record ControllerRaftConfig(String selfId, List<ControllerPeer> peers, Path storageDir,
                                   int electionTimeoutMinMs, int electionTimeoutMaxMs, long snapshotEveryEntries,
                                   long logSegmentMaxBytes) {
    public static final int DEFAULT_ELECTION_TIMEOUT_MIN_MS = 1000;
    public static final int DEFAULT_ELECTION_TIMEOUT_MAX_MS = 2000;
    public static final long DEFAULT_SNAPSHOT_EVERY_ENTRIES = 10_000;
    public static final long DEFAULT_LOG_SEGMENT_MAX_BYTES = 4L << 20;

    public ControllerRaftConfig {
        Objects.requireNonNull(selfId, "selfId");
        Objects.requireNonNull(storageDir, "storageDir");
        peers = List.copyOf(peers);
        if (peers.stream().noneMatch(p -> p.id().equals(selfId))) {
            throw new IllegalArgumentException("controllerId " + selfId + " is not one of controllerPeers "
                    + peers.stream().map(ControllerPeer::id).toList());
        }
        if (electionTimeoutMinMs < 100 || electionTimeoutMaxMs <= electionTimeoutMinMs) {
            throw new IllegalArgumentException("controller election timeouts must be >= 100 ms with min < max, got "
                    + electionTimeoutMinMs + ".." + electionTimeoutMaxMs);
        }
        if (logSegmentMaxBytes < 1024) {
            throw new IllegalArgumentException("controllerLogSegmentMaxBytes must be >= 1024, got " + logSegmentMaxBytes);
        }
        if (snapshotEveryEntries < 1) {
            throw new IllegalArgumentException("controllerSnapshotEveryEntries must be >= 1, got "
                    + snapshotEveryEntries);
        }
    }

    public ControllerPeer self() {
        return peers.stream().filter(p -> p.id().equals(selfId)).findFirst().orElseThrow();
    }

    RaftProperties toRaftProperties() {
        RaftProperties p = new RaftProperties();
        RaftServerConfigKeys.setStorageDir(p, List.of(storageDir.toFile()));
        GrpcConfigKeys.Server.setHost(p, self().host());
        GrpcConfigKeys.Server.setPort(p, self().raftPort());
        RaftServerConfigKeys.Rpc.setTimeoutMin(p, TimeDuration.valueOf(electionTimeoutMinMs, TimeUnit.MILLISECONDS));
        RaftServerConfigKeys.Rpc.setTimeoutMax(p, TimeDuration.valueOf(electionTimeoutMaxMs, TimeUnit.MILLISECONDS));
        // A fresh quorum elects its first leader sooner; later elections keep the wider range.
        RaftServerConfigKeys.Rpc.setFirstElectionTimeoutMin(p,
                TimeDuration.valueOf(electionTimeoutMinMs / 2, TimeUnit.MILLISECONDS));
        RaftServerConfigKeys.Rpc.setFirstElectionTimeoutMax(p,
                TimeDuration.valueOf(electionTimeoutMaxMs / 2, TimeUnit.MILLISECONDS));
        RaftServerConfigKeys.Rpc.setRequestTimeout(p,
                TimeDuration.valueOf(Math.max(3000, 2L * electionTimeoutMaxMs), TimeUnit.MILLISECONDS));
        RaftServerConfigKeys.Snapshot.setAutoTriggerEnabled(p, true); // off by default in Ratis
        RaftServerConfigKeys.Snapshot.setAutoTriggerThreshold(p, snapshotEveryEntries);
        RaftServerConfigKeys.Snapshot.setRetentionFileNum(p, 2);
        RaftServerConfigKeys.Log.setPurgeUptoSnapshotIndex(p, true);
        RaftServerConfigKeys.Log.setPurgeGap(p, (int) Math.min(1024, snapshotEveryEntries));
        RaftServerConfigKeys.Log.setSegmentSizeMax(p, SizeInBytes.valueOf(logSegmentMaxBytes));
        RaftServerConfigKeys.Log.setPreallocatedSize(p, SizeInBytes.valueOf(Math.min(256L << 10, logSegmentMaxBytes)));
        return p;
    }
}
