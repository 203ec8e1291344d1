package io.tidemq.broker.topic;

import io.tidemq.common.route.Perm;
import io.tidemq.common.route.TopicConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TopicConfigManagerTest {

    @TempDir
    Path dir;

    private TopicConfigManager manager() {
        TopicConfigManager m = new TopicConfigManager(dir.resolve("config/topics.json"), 8);
        m.load();
        return m;
    }

    @Test
    void createdTopicsSurviveARestartWithTheirDataVersion() {
        TopicConfigManager m = manager();
        m.create(TopicConfig.of("orders", 4));
        m.createOrUpdate(new TopicConfig("audit", 2, 2, Perm.READ, false));

        TopicConfigManager reloaded = manager();
        assertThat(reloaded.all()).containsOnlyKeys("audit", "orders");
        assertThat(reloaded.get("orders").writeQueueNums()).isEqualTo(4);
        assertThat(reloaded.get("audit").perm()).isEqualTo(Perm.READ);
        assertThat(reloaded.dataVersion()).isEqualTo(2);
        assertThat(Files.exists(dir.resolve("config/topics.json.tmp"))).isFalse();
    }

    @Test
    void everyChangeBumpsTheDataVersionAndTellsTheListeners() {
        TopicConfigManager m = manager();
        AtomicInteger changes = new AtomicInteger();
        m.addChangeListener(changes::incrementAndGet);

        m.create(TopicConfig.of("orders", 4));
        m.createOrUpdate(TopicConfig.of("orders", 6));
        m.delete("orders");

        assertThat(changes).hasValue(3);
        assertThat(m.dataVersion()).isEqualTo(3);
    }

    @Test
    void theConfigListenersHearOfEachCreatedOrChangedTopicAndNotOfARepeatedCreate() {
        TopicConfigManager m = manager();
        java.util.List<TopicConfig> heard = new java.util.concurrent.CopyOnWriteArrayList<>();
        m.addConfigListener(heard::add);

        m.create(TopicConfig.of("orders", 4));
        m.create(TopicConfig.of("orders", 4));
        m.getOrCreate("auto");
        m.getOrCreate("auto");
        m.createOrUpdate(TopicConfig.of("orders", 6));
        m.createOrUpdate(TopicConfig.of("orders", 6));
        m.delete("orders");

        assertThat(heard).containsExactly(TopicConfig.of("orders", 4), TopicConfig.of("auto", 8),
                TopicConfig.of("orders", 6));
    }

    @Test
    void aSlaveReplacesItsTopicsWithTheMastersAndKeepsThemAcrossARestart() {
        TopicConfigManager m = manager();
        AtomicInteger changes = new AtomicInteger();
        m.addChangeListener(changes::incrementAndGet);
        m.create(TopicConfig.of("stale", 1));

        assertThat(m.replaceAll(java.util.Map.of("orders", TopicConfig.of("orders", 4)))).isTrue();
        assertThat(m.replaceAll(java.util.Map.of("orders", TopicConfig.of("orders", 4)))).as("same: no-op").isFalse();

        assertThat(m.all()).containsOnlyKeys("orders");
        assertThat(changes).hasValue(2);
        TopicConfigManager reloaded = manager();
        reloaded.load();
        assertThat(reloaded.all()).containsOnlyKeys("orders");
    }

    @Test
    void unchangedWritesAreNoOps() {
        TopicConfigManager m = manager();
        AtomicInteger changes = new AtomicInteger();
        m.addChangeListener(changes::incrementAndGet);
        m.create(TopicConfig.of("orders", 4));

        assertThat(m.create(TopicConfig.of("orders", 4))).isFalse();
        m.createOrUpdate(TopicConfig.of("orders", 4));
        assertThat(m.delete("missing")).isFalse();

        assertThat(changes).hasValue(1);
    }

    @Test
    void creatingAnExistingTopicWithAnotherConfigurationFails() {
        TopicConfigManager m = manager();
        m.create(TopicConfig.of("orders", 4));

        assertThatThrownBy(() -> m.create(TopicConfig.of("orders", 8)))
                .isInstanceOf(TopicAlreadyExistsException.class).hasMessageContaining("UPDATE_TOPIC");
    }

    @Test
    void getOrCreateUsesTheDefaultQueueCountOnce() {
        TopicConfigManager m = manager();
        TopicConfig first = m.getOrCreate("clicks");
        TopicConfig second = m.getOrCreate("clicks");

        assertThat(first.writeQueueNums()).isEqualTo(8);
        assertThat(second).isSameAs(first);
        assertThat(m.dataVersion()).isEqualTo(1);
    }

    @Test
    void deletedTopicsStayDeletedAfterRestart() {
        TopicConfigManager m = manager();
        m.create(TopicConfig.of("orders", 4));
        m.delete("orders");

        assertThat(manager().get("orders")).isNull();
    }

    @Test
    void creatingABurstOfTopicsTogetherWritesTheFileOnceAndTellsTheChangeListenersOnce() {
        TopicConfigManager m = manager();
        m.create(TopicConfig.of("before", 1));
        AtomicInteger changes = new AtomicInteger();
        m.addChangeListener(changes::incrementAndGet);
        java.util.List<TopicConfig> heard = new java.util.concurrent.CopyOnWriteArrayList<>();
        m.addConfigListener(heard::add);
        java.util.List<TopicConfig> burst = new java.util.ArrayList<>();
        for (int i = 0; i < 1250; i++) {
            burst.add(TopicConfig.of("many-" + i, 8));
        }

        assertThat(m.createAll(burst)).isEqualTo(burst);

        assertThat(changes).hasValue(1);
        assertThat(m.dataVersion()).isEqualTo(2);
        assertThat(heard).isEqualTo(burst);
        // every write of the file steps the version it holds by one: one step, one write
        TopicConfigManager reloaded = manager();
        assertThat(reloaded.dataVersion()).isEqualTo(2);
        assertThat(reloaded.all()).hasSize(1251).containsEntry("many-1249", TopicConfig.of("many-1249", 8));
    }

    @Test
    void aBurstWithExistingTopicsCreatesOnlyTheNewOnesAndARepeatedBurstChangesNothing() {
        TopicConfigManager m = manager();
        m.create(TopicConfig.of("a", 4));
        AtomicInteger changes = new AtomicInteger();
        m.addChangeListener(changes::incrementAndGet);

        assertThat(m.createAll(java.util.List.of(TopicConfig.of("a", 4), TopicConfig.of("b", 2))))
                .containsExactly(TopicConfig.of("b", 2));
        assertThat(m.createAll(java.util.List.of(TopicConfig.of("a", 4), TopicConfig.of("b", 2)))).isEmpty();

        assertThat(changes).hasValue(1);
        assertThat(m.dataVersion()).isEqualTo(2);
    }

    @Test
    void aBurstWithOneConflictingOrInvalidTopicCreatesNone() {
        TopicConfigManager m = manager();
        m.create(TopicConfig.of("a", 4));

        assertThatThrownBy(() -> m.createAll(java.util.List.of(TopicConfig.of("new", 1), TopicConfig.of("a", 2))))
                .isInstanceOf(TopicAlreadyExistsException.class);
        assertThatThrownBy(() -> m.createAll(java.util.List.of(TopicConfig.of("new", 1), TopicConfig.of("new", 2))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("twice");
        assertThatThrownBy(() -> m.createAll(java.util.List.of(TopicConfig.of("new", 1), TopicConfig.of("bad name!", 1))))
                .isInstanceOf(RuntimeException.class);

        assertThat(m.all()).containsOnlyKeys("a");
        assertThat(manager().all()).containsOnlyKeys("a");
        assertThat(m.dataVersion()).isEqualTo(1);
    }
}
