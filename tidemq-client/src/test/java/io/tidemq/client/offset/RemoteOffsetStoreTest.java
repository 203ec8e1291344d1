package io.tidemq.client.offset;

import io.tidemq.common.message.MessageQueue;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import static org.assertj.core.api.Assertions.assertThat;

class RemoteOffsetStoreTest {

    private final MessageQueue mq = new MessageQueue("t", "b1", 0);
    private final Map<MessageQueue, Long> broker = new ConcurrentHashMap<>();
    private final List<Long> commits = new ArrayList<>();
    private boolean failCommits;
    /** The queue's end on the fake broker: commits past it are clamped, as the real broker does. */
    private long queueEnd = Long.MAX_VALUE;

    private final OffsetRemote remote = new OffsetRemote() {
        @Override
        public long queryOffset(String group, MessageQueue q) {
            return broker.getOrDefault(q, OffsetStore.NONE);
        }

        @Override
        public long commitOffset(String group, MessageQueue q, long offset) {
            if (failCommits) {
                throw new IllegalStateException("broker down");
            }
            commits.add(offset);
            long kept = Math.min(offset, queueEnd);
            broker.merge(q, kept, Math::max); // as the broker: an ordinary commit only moves forward
            return kept;
        }

        @Override
        public long rewindOffset(String group, MessageQueue q, long offset) {
            rewinds.add(offset);
            long kept = Math.min(offset, queueEnd);
            broker.put(q, kept);
            return kept;
        }
    };

    private final List<Long> rewinds = new ArrayList<>();

    @Test
    void aSeekBelowTheLastCommitIsCommittedAsARewindSoTheBrokerMovesBack() {
        RemoteOffsetStore s = new RemoteOffsetStore("g", remote);
        s.update(mq, 10, true);
        s.persist(mq);

        s.update(mq, 3, false);
        s.persist(mq);
        s.update(mq, 4, true);
        s.persist(mq);

        assertThat(rewinds).containsExactly(3L);
        assertThat(commits).containsExactly(10L, 4L);
        assertThat(broker.get(mq)).isEqualTo(4);
    }

    @Test
    void increaseOnlyUpdatesIgnoreSmallerOffsetsButSeeksMayGoBack() {
        RemoteOffsetStore s = new RemoteOffsetStore("g", remote);
        s.update(mq, 10, true);
        s.update(mq, 7, true);
        assertThat(s.readLocal(mq)).isEqualTo(10);
        s.update(mq, 3, false);
        assertThat(s.readLocal(mq)).isEqualTo(3);
    }

    @Test
    void onlyChangedOffsetsAreCommittedAndAFailedCommitIsRetriedNextTime() {
        RemoteOffsetStore s = new RemoteOffsetStore("g", remote);
        s.update(mq, 5, true);
        s.persist(mq);
        s.persist(mq);
        assertThat(commits).containsExactly(5L);
        s.update(mq, 6, true);
        failCommits = true;
        s.persist(mq);
        failCommits = false;
        s.persistAll(List.of(mq));
        assertThat(commits).containsExactly(5L, 6L);
    }

    @Test
    void readStoredAsksTheBrokerAndReportsNoneForANewGroup() {
        RemoteOffsetStore s = new RemoteOffsetStore("g", remote);
        assertThat(s.readStored(mq)).isEqualTo(OffsetStore.NONE);
        broker.put(mq, 42L);
        assertThat(s.readStored(mq)).isEqualTo(42);
        assertThat(s.readLocal(mq)).isEqualTo(42);
        s.persist(mq);
        assertThat(commits).as("an offset read from the broker is not committed back").isEmpty();
        s.remove(mq);
        assertThat(s.readLocal(mq)).isEqualTo(OffsetStore.NONE);
    }

    /**
     * messaging-audit #4: when the broker reports that it clamped a commit to the queue's end, the in-memory
     * offset follows, so later commits do not push the broker's offset up with the queue's growing end.
     */
    @Test
    void aCommitTheBrokerClampedMovesTheInMemoryOffsetToTheQueueEnd() {
        RemoteOffsetStore s = new RemoteOffsetStore("g", remote);
        queueEnd = 100;
        s.update(mq, 150, false);
        s.persist(mq);
        assertThat(s.readLocal(mq)).isEqualTo(100);

        queueEnd = 120;
        s.persist(mq);
        assertThat(broker.get(mq)).isEqualTo(100);
        assertThat(commits).containsExactly(150L);
    }
}
