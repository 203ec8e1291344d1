package io.tidemq.broker.offset;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ConsumerOffsetManagerTest {

    @TempDir
    Path dir;

    private Path file() {
        return dir.resolve("config/consumerOffsets.json");
    }

    @Test
    void unknownOffsetsAreMinusOne() {
        ConsumerOffsetManager m = new ConsumerOffsetManager(file());
        m.commit("billing", "orders", 0, 5);

        assertThat(m.query("billing", "orders", 1)).isEqualTo(-1);
        assertThat(m.query("billing", "audit", 0)).isEqualTo(-1);
        assertThat(m.query("other", "orders", 0)).isEqualTo(-1);
        assertThat(m.query("billing", "orders", 0)).isEqualTo(5);
    }

    @Test
    void aStalePiggybackedOffsetNeverMovesAnExplicitCommitBack() {
        ConsumerOffsetManager m = new ConsumerOffsetManager(file());
        m.commit("billing", "orders", 0, 10);
        m.commitIfAdvancing("billing", "orders", 0, 7);
        assertThat(m.query("billing", "orders", 0)).isEqualTo(10);
        m.commitIfAdvancing("billing", "orders", 0, 12);
        assertThat(m.query("billing", "orders", 0)).isEqualTo(12);
        // an explicit commit (a seek back, say) still wins
        m.commit("billing", "orders", 0, 3);
        assertThat(m.query("billing", "orders", 0)).isEqualTo(3);
        m.commitIfAdvancing("billing", "orders", 1, 4);
        assertThat(m.query("billing", "orders", 1)).isEqualTo(4);
    }

    @Test
    void persistedOffsetsAreLoadedByTheNextInstance() {
        ConsumerOffsetManager m = new ConsumerOffsetManager(file());
        m.commit("billing", "orders", 0, 5);
        m.commit("billing", "orders", 300, 7);
        m.commit("audit", "orders", 1, 9);
        m.persist();

        ConsumerOffsetManager reloaded = new ConsumerOffsetManager(file());
        reloaded.load();

        assertThat(reloaded.query("billing", "orders", 0)).isEqualTo(5);
        assertThat(reloaded.query("billing", "orders", 300)).isEqualTo(7);
        assertThat(reloaded.query("audit", "orders", 1)).isEqualTo(9);
        assertThat(reloaded.groups()).containsExactly("audit", "billing");
        assertThat(Files.exists(dir.resolve("config/consumerOffsets.json.tmp"))).isFalse();
    }

    @Test
    void persistSkipsTheWriteWhenNothingChanged() throws Exception {
        ConsumerOffsetManager m = new ConsumerOffsetManager(file());
        m.commit("billing", "orders", 0, 5);
        m.persist();
        Files.delete(file());

        m.persist();

        assertThat(Files.exists(file())).isFalse();
    }

    @Test
    void removingATopicForgetsItsOffsetsInEveryGroup() {
        ConsumerOffsetManager m = new ConsumerOffsetManager(file());
        m.commit("billing", "orders", 0, 5);
        m.commit("billing", "audit", 0, 5);
        m.commit("audit", "orders", 0, 5);

        m.removeTopic("orders");

        assertThat(m.offsetsOf("billing")).isEqualTo(Map.of("audit", Map.of(0, 5L)));
        assertThat(m.groups()).containsExactly("billing");
    }

    @Test
    void negativeOffsetsAreRejected() {
        ConsumerOffsetManager m = new ConsumerOffsetManager(file());
        assertThatThrownBy(() -> m.commit("billing", "orders", 0, -2)).hasMessageContaining(">= 0");
    }
}
