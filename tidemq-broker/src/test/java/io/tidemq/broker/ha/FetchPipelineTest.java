package io.tidemq.broker.ha;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FetchPipelineTest {

    @Test
    void theNextFetchLeavesBeforeTheAppendAndAcknowledgesOnlyWhatIsAppended() {
        FetchPipeline p = new FetchPipeline(100);
        FetchPipeline.Fetch first = p.start();
        assertThat(first).isEqualTo(new FetchPipeline.Fetch(100, 100, false));

        // a batch [100, 150) arrives: the next fetch reads from 150 but acknowledges 100, nothing is appended yet
        FetchPipeline.Fetch next = p.onData(100, 50);
        assertThat(next).isEqualTo(new FetchPipeline.Fetch(150, 100, false));
        assertThat(p.inFlight()).isEqualTo(1);

        // appended: an acknowledgement of 150 joins the data fetch in flight, two in all
        FetchPipeline.Fetch ack = p.onAppended(150);
        assertThat(ack).isEqualTo(new FetchPipeline.Fetch(150, 150, true));
        assertThat(p.inFlight()).isEqualTo(FetchPipeline.MAX_IN_FLIGHT);
        p.onAckAnswered();

        // nothing new: the empty answer is followed by one fetch at the same place, no acknowledgement
        assertThat(p.onData(150, 0)).isEqualTo(new FetchPipeline.Fetch(150, 150, false));
        assertThat(p.inFlight()).isEqualTo(1);
    }

    @Test
    void atTheMastersEndTheNextFetchLeavesAfterTheAppendAndIsTheAcknowledgement() {
        FetchPipeline p = new FetchPipeline(100);
        p.start();
        // [100, 150) is all the master holds: reading ahead would only be held there, so nothing leaves yet
        assertThat(p.onData(100, 50, true)).isNull();
        assertThat(p.inFlight()).isZero();
        // appended: one data fetch from 150 that acknowledges 150, no separate acknowledgement
        assertThat(p.onAppended(150)).isEqualTo(new FetchPipeline.Fetch(150, 150, false));
        assertThat(p.inFlight()).isEqualTo(1);
        assertThat(p.acknowledged()).isEqualTo(150);
        // behind the master again: read ahead as before, then acknowledge
        assertThat(p.onData(150, 30, false)).isEqualTo(new FetchPipeline.Fetch(180, 150, false));
        assertThat(p.onAppended(180)).isEqualTo(new FetchPipeline.Fetch(180, 180, true));
        p.onAckAnswered();
        // an empty answer at the end is followed at once by a fetch from the same place
        assertThat(p.onData(180, 0, true)).isEqualTo(new FetchPipeline.Fetch(180, 180, false));
    }

    @Test
    void anAnswerAtAnotherOffsetOrAnAppendEndingElsewhereIsRefused() {
        FetchPipeline p = new FetchPipeline(0);
        p.start();
        assertThatThrownBy(() -> p.onData(10, 5)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("a fetch at 0");
        FetchPipeline q = new FetchPipeline(0);
        q.start();
        q.onData(0, 40);
        assertThatThrownBy(() -> q.onAppended(39)).isInstanceOf(IllegalArgumentException.class);
    }

    /**
     * Random batches and empty answers: at most two in flight, data fetches read contiguous positions, and no
     * request ever acknowledges more than was appended when it left.
     */
    @Test
    void overRandomRunsNoRequestAcknowledgesUnappendedBytesAndAtMostTwoAreInFlight() {
        Random random = new Random(11);
        for (int run = 0; run < 200; run++) {
            long start = random.nextInt(1_000);
            FetchPipeline p = new FetchPipeline(start);
            long appended = start;
            long expectedPosition = start;
            List<FetchPipeline.Fetch> sent = new ArrayList<>();
            sent.add(p.start());
            for (int step = 0; step < 100; step++) {
                int length = random.nextInt(3) == 0 ? 0 : 1 + random.nextInt(4_096);
                boolean atEnd = random.nextBoolean();
                FetchPipeline.Fetch next = p.onData(expectedPosition, length, atEnd);
                expectedPosition += length;
                if (next != null) {
                    assertThat(next.position()).isEqualTo(expectedPosition);
                    assertThat(next.ackOffset()).isLessThanOrEqualTo(appended);
                    sent.add(next);
                } else {
                    assertThat(atEnd && length > 0).as("only a batch at the master's end defers its fetch").isTrue();
                }
                if (length > 0) {
                    appended += length;
                    FetchPipeline.Fetch ack = p.onAppended(appended);
                    assertThat(ack).isNotNull();
                    assertThat(ack.ackOffset()).isEqualTo(appended);
                    assertThat(ack.ackOnly()).isEqualTo(next != null);
                    assertThat(p.inFlight()).isLessThanOrEqualTo(FetchPipeline.MAX_IN_FLIGHT);
                    sent.add(ack);
                    if (ack.ackOnly()) {
                        p.onAckAnswered();
                    } else {
                        assertThat(ack.position()).isEqualTo(expectedPosition);
                    }
                }
                assertThat(p.inFlight()).isEqualTo(1);
            }
            long previousAck = -1;
            for (FetchPipeline.Fetch f : sent) {
                assertThat(f.ackOffset()).as("acknowledgements only grow").isGreaterThanOrEqualTo(previousAck);
                previousAck = f.ackOffset();
            }
        }
    }
}
