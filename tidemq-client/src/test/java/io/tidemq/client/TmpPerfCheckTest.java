package io.tidemq.client;

import io.tidemq.client.consumer.ConsumeStatus;
import io.tidemq.client.consumer.PushConsumer;
import io.tidemq.client.fake.FakeCluster;
import io.tidemq.client.producer.Producer;
import io.tidemq.common.message.Message;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

import static org.awaitility.Awaitility.await;

class TmpPerfCheckTest {
    @TempDir Path dir;

    @Test
    void perf() throws Exception {
        try (FakeCluster cluster = new FakeCluster(1)) {
            cluster.topic("t", 8);
            Producer p = Producer.builder("pg", cluster.config(dir).build()).build();
            p.start();
            Message m = Message.builder("t").body(new byte[100]).build();
            for (int i = 0; i < 5000; i++) p.send(m);
            int threads = 8, per = 5000;
            CountDownLatch done = new CountDownLatch(threads);
            long t0 = System.nanoTime();
            for (int t = 0; t < threads; t++) new Thread(() -> { for (int i = 0; i < per; i++) p.send(m); done.countDown(); }).start();
            done.await();
            long ns = System.nanoTime() - t0;
            System.out.println("SYNC sends/s: " + (threads * per * 1e9 / ns));
            t0 = System.nanoTime();
            List<CompletableFuture<?>> fs = new ArrayList<>();
            for (int i = 0; i < 100_000; i++) { fs.add(p.sendAsync(m)); if (fs.size() >= 2000) { fs.get(0).join(); fs.remove(0);} }
            for (var f : fs) f.join();
            ns = System.nanoTime() - t0;
            System.out.println("ASYNC sends/s: " + (100_000 * 1e9 / ns));
            p.close();
            AtomicInteger got = new AtomicInteger();
            long t1 = System.nanoTime();
            PushConsumer c = PushConsumer.builder("cg", cluster.config(dir).build()).build();
            c.subscribe("t", "*").registerListener((msgs, ctx) -> { got.addAndGet(msgs.size()); return ConsumeStatus.SUCCESS; });
            c.start();
            int total = cluster.broker(0).messages("t").size();
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(10)).until(() -> got.get() >= total);
            System.out.println("CONSUME msgs/s: " + (total * 1e9 / (System.nanoTime() - t1)) + " total " + total);
            c.close();
        }
    }
}
