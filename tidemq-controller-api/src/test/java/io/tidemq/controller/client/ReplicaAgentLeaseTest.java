package io.tidemq.controller.client;

import org.junit.jupiter.api.Test;

import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The lease a heartbeat answer renews ({@link ReplicaAgent#leaseEnd}): 3/4 of {@code masterLeaseMs} from the send
 * while the controller's confirmation is fresh, shortened by its age past 15 % of the lease, nothing once it is 90 %
 * of the lease old, and 3/4 for an answer of an older controller that sends no age.
 */
class ReplicaAgentLeaseTest {

    private static final long SENT = 1_000_000_000L;
    private static final long LEASE_MS = 2_000;

    private static long leaseMs(long ageMs) {
        return TimeUnit.NANOSECONDS.toMillis(ReplicaAgent.leaseEnd(SENT, LEASE_MS, ageMs) - SENT);
    }

    @Test
    void aFreshConfirmationRenewsThreeQuartersOfTheLease() {
        assertThat(leaseMs(0)).isEqualTo(1_500);
        assertThat(leaseMs(300)).as("15 %% of the lease old: still 3/4").isEqualTo(1_500);
    }

    @Test
    void anOlderConfirmationRenewsTheLeaseMinusItsAgeSoItEndsBeforeANewLeaderCouldElect() {
        // a new leader elects no earlier than probeStart + lease = (sent - age) + lease at the soonest (arrived >= sent)
        for (long age : new long[] {301, 500, 800, 1_200, 1_799}) {
            long end = leaseMs(age);
            assertThat(end).as("age %d ms", age).isEqualTo(1_800 - age);
            assertThat(end).as("a tenth of the lease before the earliest election, age %d ms", age)
                    .isLessThanOrEqualTo(-age + LEASE_MS - LEASE_MS / 10);
        }
    }

    @Test
    void aConfirmationNinetyPercentOfTheLeaseOldRenewsNothing() {
        assertThat(leaseMs(1_800)).isZero();
        assertThat(leaseMs(5_000)).isZero();
    }

    @Test
    void anAnswerWithoutAnAgeCountsAsTheOldControllersBound() {
        assertThat(leaseMs(ControllerServiceClient.UNKNOWN_LEASE_AGE)).isEqualTo(1_500);
    }
}
