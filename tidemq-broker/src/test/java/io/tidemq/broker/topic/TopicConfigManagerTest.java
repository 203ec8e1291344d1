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
}
