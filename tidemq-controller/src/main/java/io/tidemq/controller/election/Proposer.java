package io.tidemq.controller.election;

import io.tidemq.controller.ControllerUnavailableException;
import io.tidemq.controller.state.Command;
import io.tidemq.controller.state.ControllerState;
import io.tidemq.controller.state.Reply;

/** The election logic's view of the replicated state: read it, propose a command. */
public interface Proposer {
    /** The state as applied on this peer. */
    ControllerState state();

    /** Replicates the command through the quorum and returns how it was applied. */
    Reply propose(Command command) throws ControllerUnavailableException;
}
