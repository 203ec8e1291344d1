package io.tidemq.controller.state;

import java.util.Objects;

/**
 * The answer to one command.
 *
 * @param outcome what happened
 * @param detail  for a rejection, why (for the log and the operator); empty when accepted
 * @param group   the group's state after the command (null for an unknown or malformed group, and for a
 *                NameServer chain change)
 */
public record Reply(Outcome outcome, String detail, GroupState group) {
    public Reply {
        Objects.requireNonNull(outcome, "outcome");
        Objects.requireNonNull(detail, "detail");
    }

    static Reply accepted(GroupState group) {
        return new Reply(Outcome.ACCEPTED, "", group);
    }

    static Reply rejected(Outcome outcome, String detail, GroupState group) {
        return new Reply(outcome, detail, group);
    }

    public boolean accepted() {
        return outcome == Outcome.ACCEPTED;
    }
}
