package io.tidemq.namesrv.replication;

import io.tidemq.namesrv.route.RegistryState;

/**
 * The body of NS_REPL_SNAPSHOT: the whole registry as it was after operation {@code seq} (of epoch
 * {@code lastEpoch}), for a backup whose position the operation ring no longer holds or whose history diverged.
 */
public record RegistrySnapshot(long seq, long lastEpoch, RegistryState state) {
}
