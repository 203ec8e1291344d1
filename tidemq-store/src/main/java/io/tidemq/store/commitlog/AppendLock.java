package io.tidemq.store.commitlog;

import io.tidemq.store.api.AppendLockType;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The CommitLog's single-writer lock. Two implementations because the right one depends on the load; the
 * choice is measured by {@code CommitLogAppendBenchmark} in tidemq-benchmarks and configurable through
 * {@code StoreConfig.appendLockType}.
 */
public interface AppendLock {

    void lock();

    void unlock();

    /** The implementation {@code type} names. */
    static AppendLock create(AppendLockType type) {
        return type == AppendLockType.SPIN ? new Spin() : new Reentrant();
    }

    /** Test-and-test-and-set spin lock; yields after {@value #SPINS_BEFORE_YIELD} spins. */
    final class Spin implements AppendLock {
        private static final int SPINS_BEFORE_YIELD = 128;
        private final AtomicBoolean locked = new AtomicBoolean();

        @Override
        public void lock() {
            int spins = 0;
            while (locked.get() || !locked.compareAndSet(false, true)) {
                if (++spins < SPINS_BEFORE_YIELD) {
                    Thread.onSpinWait();
                } else {
                    spins = 0;
                    Thread.yield();
                }
            }
        }

        @Override
        public void unlock() {
            locked.set(false);
        }
    }

    /** Non-fair {@link ReentrantLock}. */
    final class Reentrant implements AppendLock {
        private final ReentrantLock lock = new ReentrantLock();

        @Override
        public void lock() {
            lock.lock();
        }

        @Override
        public void unlock() {
            lock.unlock();
        }
    }
}
