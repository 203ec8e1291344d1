package io.tidemq.broker.schedule;

import io.tidemq.broker.config.TimerSettings;
import io.tidemq.common.message.MessageConst;
import io.tidemq.store.api.StoredMessage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class TimerMessageServiceTest {

    private static final Duration WAIT = Duration.ofSeconds(20);

    @TempDir
    Path dir;

    private TimerTestStores t;

    @AfterEach
    void stop() {
        if (t != null) {
            t.close();
        }
    }

    private void awaitAllDelivered() {
        await().atMost(WAIT).until(() -> t.timer.scheduledCount() == 0 && t.timer.inMemoryCount() == 0);
    }

    @Test
    void eachMessageArrivesNoEarlierThanDueAndAtMostOneSecondLate() {
        t = new TimerTestStores(dir, TimerTestStores.settings(TimerSettings.DEFAULT_ROLL_WINDOW_MS));
        long now = System.currentTimeMillis();
        for (int i = 1; i <= 3; i++) {
            t.putDueAt("orders", "K" + i, now + i * 1_000L + 137);
        }

        await().atMost(WAIT).until(() -> t.messages("orders").size() == 3);

        for (StoredMessage m : t.messages("orders")) {
            long due = now + Long.parseLong(m.uniqueKey().substring(1)) * 1_000L + 137;
            assertThat(m.storeTimestampMs()).as(m.uniqueKey()).isBetween(due, due + 1_000);
        }
        awaitAllDelivered();
        assertThat(t.timer.deliveredCount()).isEqualTo(3);
    }

    @Test
    void theDeliveredCopyKeepsItsIdentityAndPropertiesButDropsTheSchedulingOnes() {
        t = new TimerTestStores(dir, TimerTestStores.settings(TimerSettings.DEFAULT_ROLL_WINDOW_MS));
        t.putter.putUserMessage(TimerTestStores.message("orders", 0, "hello", "U1", MessageConst.DELAY_MS, "1000"), null).join();

        await().atMost(WAIT).until(() -> t.messages("orders").size() == 1);

        StoredMessage m = t.messages("orders").get(0);
        assertThat(new String(m.body())).isEqualTo("hello");
        assertThat(m.uniqueKey()).isEqualTo("U1");
        assertThat(m.properties()).doesNotContainKeys(MessageConst.DELAY_MS, MessageConst.DELIVER_AT_MS,
                MessageConst.REAL_TOPIC, MessageConst.REAL_QUEUE_ID).containsKey(TimerRecords.SOURCE_OFFSET_PROPERTY);
        assertThat(m.bornHost()).isEqualTo(TimerTestStores.HOST);
    }

    @Test
    void farFutureEntriesStayOnDiskAndOnlyEntriesDueWithinTheLookAheadAreHeldInMemory() {
        t = new TimerTestStores(dir, TimerTestStores.settings(TimerSettings.DEFAULT_ROLL_WINDOW_MS));
        long now = System.currentTimeMillis();
        for (int i = 0; i < 50; i++) {
            t.putDueAt("later", "F" + i, now + 600_000 + i);
        }
        t.putDueAt("soon", "S", now + 1_500);

        await().atMost(WAIT).until(() -> t.messages("soon").size() == 1);
        await().atMost(WAIT).until(() -> t.timer.inMemoryCount() == 0);

        assertThat(t.timer.scheduledCount()).isEqualTo(50);
        assertThat(t.messages("later")).isEmpty();
    }

    @Test
    void aCleanRestartKeepsScheduledMessagesAndDeliversThemOnce() {
        t = new TimerTestStores(dir, TimerTestStores.settings(TimerSettings.DEFAULT_ROLL_WINDOW_MS));
        long now = System.currentTimeMillis();
        t.putDueAt("orders", "A", now + 1_500);
        t.putDueAt("orders", "B", now + 60_000);

        t.restart();

        await().atMost(WAIT).until(() -> t.messages("orders").size() == 1);
        assertThat(t.messages("orders").get(0).storeTimestampMs()).isGreaterThanOrEqualTo(now + 1_500);
        await().atMost(WAIT).until(() -> t.timer.scheduledCount() == 1);
        assertThat(t.messages("orders")).hasSize(1);
    }

    @Test
    void aCrashAfterDeliveryButBeforeTheCheckpointDoesNotDeliverTwice() throws IOException {
        t = new TimerTestStores(dir, TimerTestStores.settings(TimerSettings.DEFAULT_ROLL_WINDOW_MS));
        Path checkpoint = t.timerDir().resolve("checkpoint");
        Path before = dir.resolve("checkpoint-before-delivery");
        Files.copy(checkpoint, before);
        long now = System.currentTimeMillis();
        for (int i = 0; i < 20; i++) {
            t.putDueAt("orders", "N" + i, now + 1_500 + i);
        }
        for (int i = 0; i < 5; i++) {
            t.putDueAt("orders", "F" + i, now + 600_000);
        }
        await().atMost(WAIT).until(() -> t.messages("orders").size() == 20);

        t.crash();
        // the timer checkpoint is replaced atomically: the one from before the deliveries is a valid crash image
        Files.copy(before, checkpoint, StandardCopyOption.REPLACE_EXISTING);
        t.start();

        await().atMost(WAIT).until(() -> t.timer.duplicatesSkippedCount() == 20);
        await().atMost(WAIT).until(() -> t.timer.scheduledCount() == 5 && t.timer.inMemoryCount() == 0);
        assertThat(t.messages("orders")).hasSize(20);
    }

    @Test
    void aCrashAtAnArbitraryMomentDeliversEveryMessageExactlyOnce() {
        t = new TimerTestStores(dir, TimerTestStores.settings(TimerSettings.DEFAULT_ROLL_WINDOW_MS));
        long now = System.currentTimeMillis();
        int count = 300;
        for (int i = 0; i < count; i++) {
            t.putDueAt("orders", "M" + i, now + 1_500 + i * 5L);
        }
        await().atMost(WAIT).until(() -> t.messages("orders").size() >= count / 3);

        t.crash();
        t.start();

        awaitAllDelivered();
        List<String> keys = t.messages("orders").stream().map(StoredMessage::uniqueKey).collect(Collectors.toList());
        assertThat(keys).hasSize(count).doesNotHaveDuplicates();
    }

    @Test
    void aMessageDueBeyondTheRollWindowIsRolledForwardAndStillDeliveredOnceOnTime() {
        t = new TimerTestStores(dir, TimerTestStores.settings(1_000));
        long due = System.currentTimeMillis() + 3_500;
        t.putDueAt("orders", "R", due);

        await().atMost(WAIT).until(() -> t.messages("orders").size() == 1);

        assertThat(t.messages("orders").get(0).storeTimestampMs()).isBetween(due, due + 1_000);
        assertThat(t.timer.rolledCount()).isGreaterThanOrEqualTo(2);
        awaitAllDelivered();
        assertThat(t.messages("orders")).hasSize(1);
        assertThat(t.timer.deliveredCount()).isEqualTo(1);
    }

    @Test
    void aReputThatFailsPermanentlyIsGivenUpAndTheWheelKeepsDeliveringLaterMessages() {
        t = new TimerTestStores(dir, TimerTestStores.settings(TimerSettings.DEFAULT_ROLL_WINDOW_MS));
        long now = System.currentTimeMillis();
        String big = "x".repeat(40 * 1024);
        t.putter.putUserMessage(TimerTestStores.message("orders", 0, big, "BIG", MessageConst.DELIVER_AT_MS,
                Long.toString(now + 1_500)), null).join();
        // maxMessageBytes lowered across a restart: the scheduled copy can never be re-put into its topic
        t.maxMessageBytes = 16 * 1024;
        t.restart();
        t.putDueAt("orders", "SMALL", now + 2_500);

        await().atMost(WAIT).until(() -> t.messages("orders").size() == 1);
        awaitAllDelivered();
        assertThat(t.messages("orders").get(0).uniqueKey()).isEqualTo("SMALL");
        assertThat(t.timer.deadLetteredCount() + t.timer.lostCount()).isEqualTo(1);
    }

    @Test
    void anEntryThatCannotBeDeliveredGoesToTheTimerDeadLetterTopic() {
        t = new TimerTestStores(dir, TimerTestStores.settings(TimerSettings.DEFAULT_ROLL_WINDOW_MS));
        long now = System.currentTimeMillis();
        // a timer-topic record without REAL_TOPIC (written by a client that bypassed the put path)
        t.store.putMessage(TimerTestStores.message(TimerRecords.TOPIC, TimerRecords.QUEUE_ID, "orphan", "ORPHAN",
                MessageConst.DELIVER_AT_MS, Long.toString(now + 1_500))).join();

        await().atMost(WAIT).until(() -> t.messages(TimerRecords.DEAD_LETTER_TOPIC).size() == 1);
        awaitAllDelivered();
        StoredMessage dead = t.messages(TimerRecords.DEAD_LETTER_TOPIC).get(0);
        assertThat(dead.uniqueKey()).isEqualTo("ORPHAN");
        assertThat(new String(dead.body())).isEqualTo("orphan");
        assertThat(dead.properties()).containsKey(TimerRecords.DEAD_LETTER_REASON_PROPERTY);
        assertThat(t.timer.deadLetteredCount()).isEqualTo(1);
    }
}
