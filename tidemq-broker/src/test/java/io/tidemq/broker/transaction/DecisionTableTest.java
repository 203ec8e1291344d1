package io.tidemq.broker.transaction;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class DecisionTableTest {

    private final DecisionTable table = new DecisionTable();

    @Test
    void theFirstClaimWinsAndLaterOnesSeeIt() {
        DecisionTable.Entry first = new DecisionTable.Entry(TransactionDecision.COMMIT);
        DecisionTable.Entry second = new DecisionTable.Entry(TransactionDecision.ROLLBACK);

        assertThat(table.claim(100, first)).isNull();
        assertThat(table.claim(100, second)).isSameAs(first);
        assertThat(first.isFinal()).isFalse();
        first.applied.complete(TransactionDecision.COMMIT);
        assertThat(table.get(100).isFinal()).isTrue();
    }

    @Test
    void anAbandonedClaimLetsTheNextOneDecide() {
        DecisionTable.Entry failed = new DecisionTable.Entry(TransactionDecision.COMMIT);
        table.claim(100, failed);

        table.abandon(100, failed);

        assertThat(table.claim(100, new DecisionTable.Entry(TransactionDecision.ROLLBACK))).isNull();
    }

    @Test
    void advancingTheBoundaryForgetsWhatIsBelowItOnly() {
        table.replayDecision(100, TransactionDecision.COMMIT);
        table.replayDecision(300, TransactionDecision.ROLLBACK);
        table.recordCheckTimes(100, 2);
        table.recordCheckTimes(300, 4);
        table.recordCheckTimes(300, 3);

        table.advanceBoundary(200);
        table.advanceBoundary(150);

        assertThat(table.boundary()).isEqualTo(200);
        assertThat(table.get(100)).isNull();
        assertThat(table.checkTimes(100)).isZero();
        assertThat(table.get(300).decision).isEqualTo(TransactionDecision.ROLLBACK);
        assertThat(table.checkTimes(300)).isEqualTo(4);
        table.replayDecision(50, TransactionDecision.COMMIT);
        assertThat(table.get(50)).isNull();
    }
}
