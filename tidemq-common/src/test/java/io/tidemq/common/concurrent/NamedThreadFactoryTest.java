package io.tidemq.common.concurrent;

import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNoException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class NamedThreadFactoryTest {

    private static final Runnable NOTHING = () -> { };

    @Test
    void poolThreadsAreNumberedFromOne() {
        NamedThreadFactory f = NamedThreadFactory.pool("tidemq-consume-g", false);
        Thread first = f.newThread(NOTHING);
        Thread second = f.newThread(NOTHING);
        assertThat(first.getName()).isEqualTo("tidemq-consume-g-1");
        assertThat(second.getName()).isEqualTo("tidemq-consume-g-2");
        assertThat(first.isDaemon()).isFalse();
    }

    @Test
    void singleThreadsKeepTheExactNameEvenWhenReplaced() {
        NamedThreadFactory f = NamedThreadFactory.single("tidemq-retention", true);
        assertThat(f.newThread(NOTHING).getName()).isEqualTo("tidemq-retention");
        Thread replacement = f.newThread(NOTHING);
        assertThat(replacement.getName()).isEqualTo("tidemq-retention");
        assertThat(replacement.isDaemon()).isTrue();
    }

    @Test
    void everyThreadLogsItsUncaughtFailuresInsteadOfUsingTheThreadGroup() {
        Thread t = NamedThreadFactory.pool("tidemq-test", true).newThread(NOTHING);
        // without a handler of its own a thread answers its ThreadGroup, which prints to stderr
        assertThat(t.getUncaughtExceptionHandler()).isNotSameAs(t.getThreadGroup());
        assertThatNoException().isThrownBy(() -> t.getUncaughtExceptionHandler()
                .uncaughtException(t, new IllegalStateException("test failure, logged on purpose")));
    }

    @Test
    void aNameIsRequired() {
        assertThatThrownBy(() -> NamedThreadFactory.pool(" ", true)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("thread name is required");
        assertThatThrownBy(() -> NamedThreadFactory.single(null, true)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aLoggingTaskSwallowsItsFailureSoAPeriodicScheduleKeepsRunning() {
        AtomicInteger runs = new AtomicInteger();
        Runnable task = NamedThreadFactory.logging("test task", () -> {
            runs.incrementAndGet();
            throw new IllegalStateException("test failure, logged on purpose");
        });
        assertThatNoException().isThrownBy(task::run);
        assertThatNoException().isThrownBy(task::run);
        assertThat(runs).hasValue(2);
    }
}
