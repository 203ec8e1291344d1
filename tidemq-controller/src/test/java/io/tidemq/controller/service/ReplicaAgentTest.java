package io.tidemq.controller.service;

import io.tidemq.controller.client.ReplicaAgent;
import io.tidemq.controller.state.Command;
import io.tidemq.controller.state.GroupState;
import io.tidemq.controller.state.ReplicaInfo;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The broker side of the controller: two replica agents against three peers; the master's agent stops. */
class ReplicaAgentTest {
    private static final String G = "broker-a";
    private static final Duration WAIT = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    private final List<ControllerServer> servers = new ArrayList<>();
    private final List<String> addresses = new ArrayList<>();
    private final List<ReplicaAgent> agents = new ArrayList<>();
    private final List<DelayingProxy> proxies = new ArrayList<>();

    @BeforeEach
    void start() {
        int[] raftPorts = {freePort(), freePort(), freePort()};
        String peers = "c0@127.0.0.1:" + raftPorts[0] + ",c1@127.0.0.1:" + raftPorts[1] + ",c2@127.0.0.1:"
                + raftPorts[2];
        for (int i = 0; i < 3; i++) {
            ControllerServer s = ControllerServer.start(ControllerConfig.builder().controllerId("c" + i)
                    .controllerPeers(peers).controllerListenPort(0).bindAddress("127.0.0.1")
                    .controllerStorePath(dir.toString()).masterLeaseMs(1000).controllerScanIntervalMs(100).build());
            servers.add(s);
            addresses.add("127.0.0.1:" + s.listenPort());
        }
    }

    @AfterEach
    void stop() throws IOException {
        agents.forEach(ReplicaAgent::close);
        for (DelayingProxy p : proxies) {
            p.close();
        }
        servers.forEach(ControllerServer::close);
    }

    private ReplicaAgent agent(int id, long maxOffset, List<GroupState> heard) {
        ReplicaAgent a = new ReplicaAgent(addresses, G, new ReplicaInfo(id, "127.0.0.1:" + (10911 + id),
                "127.0.0.1:" + (10912 + id), "store-" + id, 1, 0), () -> 1, () -> maxOffset, 200, heard::add);
        agents.add(a);
        a.start();
        return a;
    }

    @Test
    void agentsRegisterHeartbeatEveryPeerAndLearnEachNewMaster() throws Exception {
        List<GroupState> heardBy0 = new CopyOnWriteArrayList<>();
        List<GroupState> heardBy1 = new CopyOnWriteArrayList<>();
        ReplicaAgent a0 = agent(0, 500, heardBy0);
        ReplicaAgent a1 = agent(1, 400, heardBy1);

        GroupState first = await().atMost(WAIT).until(a1::latest, g -> g != null && g.hasMaster());
        assertThat(first.masterId()).as("the longer log").isZero();
        await().atMost(WAIT).until(() -> a0.latest() != null && a0.latest().masterEpoch() == first.masterEpoch());

        // the master takes replica 1 into its in-sync set, through the controller
        GroupState g = a0.latest();
        assertThat(a0.alterIsr(new Command.AlterIsr(G, 0, g.masterEpoch(), g.isrEpoch(),
                new TreeSet<>(List.of(0, 1)))).accepted()).isTrue();
        await().atMost(WAIT).until(() -> a1.latest().isr().contains(1));

        a0.close(); // the master's process is gone: no more heartbeats
        GroupState second = await().atMost(WAIT).until(a1::latest, s -> s.masterEpoch() > first.masterEpoch());
        assertThat(second.masterId()).isEqualTo(1);
        assertThat(heardBy1).extracting(GroupState::masterEpoch).as("epochs only grow").isSorted();
    }

    @Test
    void answersSlowerThanTheHeartbeatIntervalStillReachTheAgentAndRenewTheLease() throws Exception {
        // every answer of every peer arrives 600 ms late: three heartbeat intervals (200 ms); the old agent gave up on
        // an answer after one interval, so it never learned its role (seen with killed brokers at load 40+)
        List<String> slow = new ArrayList<>();
        for (String address : addresses) {
            DelayingProxy p = new DelayingProxy(address, 600);
            proxies.add(p);
            slow.add(p.address());
        }
        ReplicaAgent a = new ReplicaAgent(slow, G, new ReplicaInfo(0, "127.0.0.1:10911", "127.0.0.1:10912",
                "store-0", 1, 0), () -> 1, () -> 500, 200, g -> { });
        agents.add(a);
        a.start();
        GroupState g = await().atMost(WAIT).until(a::latest, s -> s != null && s.hasMaster());
        assertThat(g.masterId()).isZero();
        long now = System.nanoTime();
        await().atMost(WAIT).until(() -> a.leaseValidUntilNanos() - now > 0);
    }

    /**
     * Forwards one TCP connection per client to {@code target}; what the target sends back is held {@code delayMs}
     * (in order) before it reaches the client. Its threads are daemons, closed with it.
     */
    static final class DelayingProxy implements AutoCloseable {
        private final ServerSocket server;
        private final ScheduledExecutorService delayed = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "delaying-proxy-writer");
            t.setDaemon(true);
            return t;
        });
        /** Every socket opened, closed with the proxy; written by the accept thread. */
        private final List<Socket> sockets = new CopyOnWriteArrayList<>();

        DelayingProxy(String target, long delayMs) throws IOException {
            server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
            String[] hp = target.split(":");
            Thread acceptor = new Thread(() -> {
                while (!server.isClosed()) {
                    try {
                        Socket client = server.accept();
                        Socket upstream = new Socket(hp[0], Integer.parseInt(hp[1]));
                        sockets.add(client);
                        sockets.add(upstream);
                        pump(client.getInputStream(), upstream.getOutputStream(), 0);
                        pump(upstream.getInputStream(), client.getOutputStream(), delayMs);
                    } catch (IOException e) {
                        return; // closed
                    }
                }
            }, "delaying-proxy-accept");
            acceptor.setDaemon(true);
            acceptor.start();
        }

        private void pump(InputStream in, OutputStream out, long delayMs) {
            Thread t = new Thread(() -> {
                byte[] buf = new byte[8192];
                try {
                    for (int n; (n = in.read(buf)) >= 0; ) {
                        byte[] chunk = Arrays.copyOf(buf, n);
                        Runnable write = () -> {
                            try {
                                out.write(chunk);
                                out.flush();
                            } catch (IOException e) {
                                // the other side went away
                            }
                        };
                        if (delayMs == 0) {
                            write.run();
                        } else {
                            delayed.schedule(write, delayMs, TimeUnit.MILLISECONDS); // one thread: order kept
                        }
                    }
                } catch (IOException e) {
                    // closed
                }
            }, "delaying-proxy-pump");
            t.setDaemon(true);
            t.start();
        }

        String address() {
            return "127.0.0.1:" + server.getLocalPort();
        }

        @Override
        public void close() throws IOException {
            server.close();
            for (Socket s : sockets) {
                s.close();
            }
            delayed.shutdownNow();
        }
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
