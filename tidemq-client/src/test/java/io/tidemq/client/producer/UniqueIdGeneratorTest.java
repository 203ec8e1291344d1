package io.tidemq.client.producer;

import org.junit.jupiter.api.Test;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;

import static org.assertj.core.api.Assertions.assertThat;

class UniqueIdGeneratorTest {

    @Test
    void idsAre32HexDigitsStartingWithTheClientIp() {
        String id = new UniqueIdGenerator("10.1.2.3").next();
        assertThat(id).hasSize(32).matches("[0-9A-F]{32}").startsWith("0A010203");
    }

    @Test
    void idsFromManyThreadsAreUnique() throws InterruptedException {
        UniqueIdGenerator gen = new UniqueIdGenerator("127.0.0.1");
        Set<String> ids = ConcurrentHashMap.newKeySet();
        int threads = 4;
        int perThread = 25_000;
        CountDownLatch done = new CountDownLatch(threads);
        for (int t = 0; t < threads; t++) {
            new Thread(() -> {
                for (int i = 0; i < perThread; i++) {
                    ids.add(gen.next());
                }
                done.countDown();
            }, "tidemq-test-ids-" + t).start();
        }
        done.await();
        assertThat(ids).hasSize(threads * perThread);
    }

    @Test
    void twoGeneratorsInOneProcessDoNotCollide() {
        UniqueIdGenerator a = new UniqueIdGenerator("127.0.0.1");
        UniqueIdGenerator b = new UniqueIdGenerator("127.0.0.1");
        Set<String> ids = new java.util.HashSet<>();
        for (int i = 0; i < 1000; i++) {
            ids.add(a.next());
            ids.add(b.next());
        }
        assertThat(ids).hasSize(2000);
    }
}
