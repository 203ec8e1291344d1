package io.tidemq.remoting.perf;

import io.tidemq.remoting.SyncRequestProcessor;
import io.tidemq.remoting.netty.NettyClientConfig;
import io.tidemq.remoting.netty.NettyRemotingClient;
import io.tidemq.remoting.netty.NettyRemotingServer;
import io.tidemq.remoting.netty.NettyServerConfig;
import io.tidemq.remoting.protocol.RemotingCommand;

import java.util.Arrays;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A rough loopback throughput check, not a unit test: sync request/response from several threads (rate and
 * latency percentiles) and pipelined async calls. Run it without leak detection, e.g.
 * {@code java -cp <test classpath> io.tidemq.remoting.perf.RemotingThroughputCheck [seconds] [syncThreads] [bodyBytes]}.
 */
public final class RemotingThroughputCheck {

    private static final int ECHO = 1;

    private RemotingThroughputCheck() {
    }

    public static void main(String[] args) throws Exception {
        int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        int syncThreads = args.length > 1 ? Integer.parseInt(args[1]) : 8;
        int bodyBytes = args.length > 2 ? Integer.parseInt(args[2]) : 128;
        ExecutorService processors = Executors.newFixedThreadPool(4);
        NettyRemotingServer server = new NettyRemotingServer(NettyServerConfig.builder()
                .bindAddress("127.0.0.1").build());
        server.registerProcessor(ECHO, SyncRequestProcessor.of((ch, req) ->
                RemotingCommand.success().putField("queueOffset", 12345L).putField("msgId", "0A0000010000A8C2")), processors);
        server.start();
        NettyRemotingClient client = new NettyRemotingClient(NettyClientConfig.defaults());
        client.start();
        String address = "127.0.0.1:" + server.localPort();
        byte[] body = new byte[bodyBytes];
        try {
            runSync(client, address, body, syncThreads, 1); // warm-up
            runAsync(client, address, body, 1);
            runSync(client, address, body, syncThreads, seconds);
            runAsync(client, address, body, seconds);
        } finally {
            client.shutdown();
            server.shutdown();
            processors.shutdownNow();
        }
    }

    private static RemotingCommand request(byte[] body) {
        return RemotingCommand.createRequest(ECHO).putField("topic", "bench").putField("queueId", 3)
                .putField("producerGroup", "bench-group").putField("bornTimestampMs", System.currentTimeMillis())
                .setBody(body);
    }

    private static void runSync(NettyRemotingClient client, String address, byte[] body, int threads, int seconds)
            throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        long[][] latencies = new long[threads][];
        int[] counts = new int[threads];
        Thread[] workers = new Thread[threads];
        for (int t = 0; t < threads; t++) {
            int id = t;
            workers[t] = new Thread(() -> {
                long[] lat = new long[4_000_000];
                int n = 0;
                try {
                    while (System.nanoTime() < deadline && n < lat.length) {
                        long start = System.nanoTime();
                        client.invokeSync(address, request(body), 3000);
                        lat[n++] = System.nanoTime() - start;
                    }
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
                latencies[id] = lat;
                counts[id] = n;
            }, "tidemq-bench-sync-" + t);
            workers[t].start();
        }
        for (Thread w : workers) {
            w.join();
        }
        int total = Arrays.stream(counts).sum();
        long[] all = new long[total];
        int pos = 0;
        for (int t = 0; t < threads; t++) {
            System.arraycopy(latencies[t], 0, all, pos, counts[t]);
            pos += counts[t];
        }
        Arrays.sort(all);
        System.out.printf("sync  %d threads, %d s: %,.0f req/s, p50 %.2f ms, p99 %.2f ms, p99.9 %.2f ms%n",
                threads, seconds, total / (double) seconds, all[total / 2] / 1e6, all[(int) (total * 0.99)] / 1e6,
                all[(int) (total * 0.999)] / 1e6);
    }

    private static void runAsync(NettyRemotingClient client, String address, byte[] body, int seconds)
            throws Exception {
        Semaphore inFlight = new Semaphore(4096);
        AtomicLong done = new AtomicLong();
        AtomicLong failed = new AtomicLong();
        long start = System.nanoTime();
        long deadline = start + TimeUnit.SECONDS.toNanos(seconds);
        while (System.nanoTime() < deadline) {
            inFlight.acquire();
            client.invokeAsync(address, request(body), 3000).whenComplete((r, e) -> {
                if (e != null) {
                    failed.incrementAndGet();
                }
                done.incrementAndGet();
                inFlight.release();
            });
        }
        inFlight.acquire(4096);
        double elapsed = (System.nanoTime() - start) / 1e9;
        System.out.printf("async 1 caller, %d s: %,.0f req/s (%d failed)%n", seconds, done.get() / elapsed, failed.get());
    }
}
