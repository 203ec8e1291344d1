package io.tidemq.client.consumer.internal;

import io.tidemq.common.message.MessageExt;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

class ProcessQueueTest {

    static MessageExt msg(long offset, int bodyBytes) {
        return new MessageExt("id" + offset, "t", 0, offset, offset * 100, 0, 0, "h:1", "h:2", 0, 0, 0, Map.of(),
                new byte[bodyBytes]);
    }

    static List<MessageExt> msgs(long from, long to) {
        List<MessageExt> out = new ArrayList<>();
        for (long o = from; o < to; o++) {
            out.add(msg(o, 10));
        }
        return out;
    }

    @Test
    void anEmptyQueueCommitsItsStartOffset() {
        assertThat(new ProcessQueue(42).committableOffset()).isEqualTo(42);
    }

    @Test
    void outOfOrderCompletionNeverCommitsPastAnUnfinishedMessage() {
        ProcessQueue pq = new ProcessQueue(10);
        List<MessageExt> m = msgs(10, 15);
        pq.putMessages(m, 15);

        assertThat(pq.removeMessages(List.of(m.get(3), m.get(4)))).isEqualTo(10);
        assertThat(pq.removeMessages(List.of(m.get(1)))).isEqualTo(10);
        assertThat(pq.removeMessages(List.of(m.get(0)))).isEqualTo(12);
        assertThat(pq.removeMessages(List.of(m.get(2)))).isEqualTo(15);
    }

    @Test
    void whenEmptyTheCommittableOffsetIsTheNextPullOffsetEvenPastFilteredMessages() {
        ProcessQueue pq = new ProcessQueue(0);
        List<MessageExt> m = msgs(0, 3);
        pq.putMessages(m, 10);
        assertThat(pq.removeMessages(m)).isEqualTo(10);
    }

    @Test
    void randomCompletionOrderAlwaysCommitsTheSmallestInFlightOffset() {
        Random random = new Random(7);
        for (int round = 0; round < 50; round++) {
            ProcessQueue pq = new ProcessQueue(0);
            List<MessageExt> m = msgs(0, 40);
            pq.putMessages(m, 40);
            List<MessageExt> order = new ArrayList<>(m);
            Collections.shuffle(order, random);
            boolean[] done = new boolean[40];
            for (MessageExt x : order) {
                long committed = pq.removeMessages(List.of(x));
                done[(int) x.queueOffset()] = true;
                int firstUndone = 0;
                while (firstUndone < 40 && done[firstUndone]) {
                    firstUndone++;
                }
                assertThat(committed).isEqualTo(firstUndone);
            }
        }
    }

    @Test
    void countAndSizeFollowPutsAndRemovesAndDuplicatesCountOnce() {
        ProcessQueue pq = new ProcessQueue(0);
        pq.putMessages(List.of(msg(0, 100), msg(1, 50)), 2);
        assertThat(pq.putMessages(List.of(msg(1, 50)), 2)).isZero();
        assertThat(pq.messageCount()).isEqualTo(2);
        assertThat(pq.messageBytes()).isEqualTo(150);
        pq.removeMessages(List.of(msg(0, 100), msg(0, 100)));
        assertThat(pq.messageCount()).isEqualTo(1);
        assertThat(pq.messageBytes()).isEqualTo(50);
        assertThat(pq.offsetSpan()).isZero();
    }

    @Test
    void aResetOffsetMayMoveBackwardsButHeldMessagesStillHoldTheCommit() {
        ProcessQueue pq = new ProcessQueue(100);
        pq.resetNextOffset(5);
        assertThat(pq.committableOffset()).isEqualTo(5);
        pq.putMessages(List.of(msg(5, 1)), 6);
        pq.resetNextOffset(50);
        assertThat(pq.committableOffset()).isEqualTo(5);
    }

    @Test
    void droppingIsVisibleToOtherThreads() {
        ProcessQueue pq = new ProcessQueue(0);
        assertThat(pq.isDropped()).isFalse();
        pq.markDropped();
        assertThat(pq.isDropped()).isTrue();
    }

    @Test
    void aPullParkedByFlowControlResumesOnceWhenConsumptionBringsTheQueueBackUnderItsLimits() {
        ProcessQueue pq = new ProcessQueue(0);
        List<MessageExt> m = msgs(0, 6);
        pq.putMessages(m, 6);
        java.util.concurrent.atomic.AtomicInteger resumed = new java.util.concurrent.atomic.AtomicInteger();

        assertThat(pq.pauseWhileFull(3, Long.MAX_VALUE, resumed::incrementAndGet)).isTrue();
        pq.removeMessages(List.of(m.get(0), m.get(1)));
        assertThat(resumed).hasValue(0);
        pq.removeMessages(List.of(m.get(2)));
        assertThat(resumed).hasValue(1);
        pq.removeMessages(List.of(m.get(3)));
        assertThat(resumed).hasValue(1);
        assertThat(pq.isPaused()).isFalse();
    }

    @Test
    void flowControlDoesNotParkAQueueWithinItsLimitsNorResumesADroppedOne() {
        ProcessQueue pq = new ProcessQueue(0);
        List<MessageExt> m = msgs(0, 4);
        pq.putMessages(m, 4);
        java.util.concurrent.atomic.AtomicInteger resumed = new java.util.concurrent.atomic.AtomicInteger();

        assertThat(pq.pauseWhileFull(4, Long.MAX_VALUE, resumed::incrementAndGet)).isFalse();
        assertThat(pq.pauseWhileFull(1, 10, resumed::incrementAndGet)).isTrue();
        pq.markDropped();
        pq.removeMessages(m);
        assertThat(resumed).hasValue(0);
        assertThat(pq.pauseWhileFull(1, 10, resumed::incrementAndGet)).isTrue();
        assertThat(pq.isPaused()).isFalse();
    }
}
