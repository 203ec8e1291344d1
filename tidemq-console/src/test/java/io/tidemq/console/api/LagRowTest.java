package io.tidemq.console.api;

import io.tidemq.common.protocol.body.QueueLag;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** A queue's lag is a count of messages, never negative, and unknown (null, with why) rather than 0 or -1. */
class LagRowTest {

    @Test
    void aCommittedQueueShowsItsLag() {
        GroupsApi.QueueLagRow r = GroupsApi.row("b", new QueueLag("t", 0, 10, 7, 3));

        assertThat(r.lag()).isEqualTo(3);
        assertThat(r.consumerOffset()).isEqualTo(7);
        assertThat(r.unknownReason()).isNull();
    }

    @Test
    void aQueueTheGroupNeverCommittedOnHasUnknownLagNotZeroNorMinusOne() {
        GroupsApi.QueueLagRow r = GroupsApi.row("b", new QueueLag("t", 0, 10, -1, 10));

        assertThat(r.lag()).isNull();
        assertThat(r.consumerOffset()).isNull();
        assertThat(r.unknownReason()).isEqualTo(GroupsApi.NEVER_COMMITTED);
    }

    @Test
    void aCommittedOffsetPastTheEndIsUnknownNotNegative() {
        GroupsApi.QueueLagRow r = GroupsApi.row("b", new QueueLag("t", 0, 10, 12, -2));

        assertThat(r.lag()).isNull();
        assertThat(r.unknownReason()).isEqualTo(GroupsApi.PAST_END);
    }

    @Test
    void theLagInSecondsIsTheBrokersAgeOfTheOldestUnconsumedMessageAndUnknownStaysUnknown() {
        assertThat(GroupsApi.row("b", new QueueLag("t", 0, 10, 7, 3, 42_500L)).lagSeconds()).isEqualTo(42.5);
        assertThat(GroupsApi.row("b", new QueueLag("t", 0, 10, 10, 0, 0L)).lagSeconds()).isZero();
        assertThat(GroupsApi.row("b", new QueueLag("t", 0, 10, 7, 3, null)).lagSeconds())
                .as("the oldest message could not be read: unknown, not 0").isNull();
        assertThat(GroupsApi.row("b", new QueueLag("t", 0, 10, -1, 10, null)).lagSeconds()).isNull();
        assertThat(GroupsApi.row("b", new QueueLag("t", 0, 10, 12, -2, 5L)).lagSeconds()).isNull();
    }
}
