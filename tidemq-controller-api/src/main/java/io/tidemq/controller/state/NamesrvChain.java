package io.tidemq.controller.state;

import java.util.List;
import java.util.Objects;

/**
 * The NameServer chain order the controller decided (CHAIN replication, design ha.md §5.10): the head (the primary
 * NameServer) first, the tail last. Changed only by {@link Command.SetNamesrvChain} with a higher epoch; the epoch
 * is the NameServers' replication epoch. Immutable.
 *
 * @param epoch 0 before any chain was set
 * @param chain host:port of each NameServer, head first; empty before any chain was set
 */
public record NamesrvChain(long epoch, List<String> chain) {
    public static final NamesrvChain NONE = new NamesrvChain(0, List.of());

    public NamesrvChain {
        Objects.requireNonNull(chain, "chain");
        chain = List.copyOf(chain);
    }
}
