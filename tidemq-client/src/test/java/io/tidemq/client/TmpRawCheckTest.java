package io.tidemq.client;

import io.tidemq.remoting.SyncRequestProcessor;
import io.tidemq.remoting.netty.*;
import io.tidemq.remoting.protocol.RemotingCommand;
import org.junit.jupiter.api.Test;
import java.util.*;
import java.util.concurrent.*;

class TmpRawCheckTest {
    @Test
    void raw() throws Exception {
        NettyRemotingServer s = new NettyRemotingServer(NettyServerConfig.builder().bindAddress("127.0.0.1").build());
        ExecutorService ex = Executors.newFixedThreadPool(4);
        s.registerProcessor(10, SyncRequestProcessor.of((ch, r) -> RemotingCommand.success()), ex);
        s.start();
        NettyRemotingClient c = new NettyRemotingClient(NettyClientConfig.defaults());
        c.start();
        String addr = "127.0.0.1:" + s.localPort();
        for (int round = 0; round < 3; round++) {
            long t0 = System.nanoTime();
            ArrayDeque<CompletableFuture<?>> fs = new ArrayDeque<>();
            for (int i = 0; i < 100_000; i++) {
                fs.add(c.invokeAsync(addr, RemotingCommand.createRequest(10).setBody(new byte[100]), 3000));
                if (fs.size() >= 2000) fs.poll().join();
            }
            for (var f : fs) f.join();
            System.out.println("RAW async/s: " + (100_000 * 1e9 / (System.nanoTime() - t0)));
            t0 = System.nanoTime();
            for (int i = 0; i < 5000; i++) c.invokeSync(addr, RemotingCommand.createRequest(10), 3000);
            System.out.println("RAW sync 1 thread/s: " + (5000 * 1e9 / (System.nanoTime() - t0)));
        }
        c.shutdown(); s.shutdown(); ex.shutdown();
    }
}
