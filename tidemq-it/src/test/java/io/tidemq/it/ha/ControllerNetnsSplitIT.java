package io.tidemq.it.ha;

import io.tidemq.controller.ControllerUnavailableException;
import io.tidemq.controller.client.ControllerServiceClient;
import io.tidemq.controller.state.Command;
import io.tidemq.controller.state.GroupState;
import io.tidemq.controller.state.ReplicaInfo;
import io.tidemq.controller.state.Reply;
import io.tidemq.it.support.FreePorts;
import io.tidemq.it.support.JvmProcess;
import io.tidemq.it.support.ServerNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A controller majority/minority split made by the Linux kernel, not by a proxy: three {@code tidemq controller}
 * JVMs, each in its own network namespace ({@code ip netns}) with two links, one to a "cluster" bridge the peers
 * talk Ratis over and one to an "admin" bridge the test reaches them through. Cutting the Ratis leader's cluster
 * link leaves it alone (a minority of one) while the test can still ask it: it must commit nothing, the other two
 * must elect a leader and keep deciding, and once the link is back the old leader follows the new one and holds
 * what was decided without it. Needs root (CAP_NET_ADMIN); skipped with a message otherwise. Every namespace,
 * bridge and process it makes is removed afterwards.
 */
class ControllerNetnsSplitIT {
    private static final String G = "broker-split";
    private static final Duration WAIT = Duration.ofSeconds(90);

    @TempDir
    Path dir;

    /** Undo commands, run last-in first-out by {@link #cleanUp()}; test thread only. */
    private final Deque<List<String>> undo = new ArrayDeque<>();
    private final JvmProcess[] peers = new JvmProcess[3];
    private final String[] adminAddresses = new String[3];
    private final String[] clusterLinks = new String[3];
    private ControllerServiceClient client;

    @AfterEach
    void cleanUp() throws Exception {
        if (client != null) {
            client.close();
        }
        for (JvmProcess p : peers) {
            if (p != null) {
                p.close();
            }
        }
        while (!undo.isEmpty()) {
            run(undo.pop(), false);
        }
    }

    @Test
    void aLeaderCutOffFromItsPeersCommitsNothingAndFollowsTheMajorityAfterwards() throws Exception {
        Assumptions.assumeTrue(canMakeNamespaces(), "skipped: needs root and `ip netns` (CAP_NET_ADMIN) to split the"
                + " network between controller peers");
        int k = ThreadLocalRandom.current().nextInt(1, 250);
        String tag = "tq" + k;
        String clusterBridge = tag + "c";
        String adminBridge = tag + "a";
        bridge(clusterBridge, null);
        bridge(adminBridge, "10.214." + k + ".254/24");
        int raftPort = FreePorts.next();
        int listenPort = FreePorts.next();
        StringBuilder peerList = new StringBuilder();
        for (int i = 0; i < 3; i++) {
            peerList.append(i == 0 ? "" : ",").append("c").append(i).append("@10.213.").append(k).append('.')
                    .append(i + 1).append(':').append(raftPort);
        }
        for (int i = 0; i < 3; i++) {
            String ns = tag + "n" + i;
            sh("ip", "netns", "add", ns);
            undo.push(List.of("ip", "netns", "del", ns));
            sh("ip", "netns", "exec", ns, "ip", "link", "set", "lo", "up");
            clusterLinks[i] = link(ns, tag + "c" + i, clusterBridge, "10.213." + k + "." + (i + 1) + "/24");
            link(ns, tag + "a" + i, adminBridge, "10.214." + k + "." + (i + 1) + "/24");
            adminAddresses[i] = "10.214." + k + "." + (i + 1) + ":" + listenPort;
            Path config = dir.resolve("c" + i + ".properties");
            Files.writeString(config, String.join("\n", "controllerId=c" + i, "controllerPeers=" + peerList,
                    "controllerListenPort=" + listenPort, "bindAddress=0.0.0.0",
                    "controllerStorePath=" + dir.resolve("store"), "masterLeaseMs=2000",
                    "electionTimeoutMinMs=1000", "electionTimeoutMaxMs=2000") + "\n");
            peers[i] = JvmProcess.start("controller-c" + i, dir.resolve("logs"), List.of("ip", "netns", "exec", ns),
                    List.of("-Xmx256m"), ServerNode.MAIN, "controller", "--config", config.toString());
        }
        for (int i = 0; i < 3; i++) {
            int id = i;
            peers[i].awaitLine(l -> l.startsWith("TideMQ controller ready: c" + id), WAIT);
        }
        client = new ControllerServiceClient(3_000);
        register(0, adminAddresses[0]);
        String leader = await().atMost(WAIT).ignoreExceptions().until(() -> client.state(adminAddresses[0]).leaderId(),
                id -> id != null && !id.isEmpty());
        int cut = Integer.parseInt(leader.substring(1));
        int majority = (cut + 1) % 3;

        sh("ip", "link", "set", clusterLinks[cut], "down");   // the leader alone: a minority of one
        undo.push(List.of("ip", "link", "set", clusterLinks[cut], "up"));

        String next = await().atMost(WAIT).ignoreExceptions().until(() -> client.state(adminAddresses[majority])
                .leaderId(), id -> id != null && !id.isEmpty() && !id.equals(leader));
        register(1, adminAddresses[majority]);                 // two of three still decide
        assertThat(acceptedAt(cut, 2)).as("the cut-off leader commits nothing").isFalse();
        assertThat(client.state(adminAddresses[majority]).state().group(G).replicas()).containsOnlyKeys(0, 1);

        sh("ip", "link", "set", clusterLinks[cut], "up");
        await().atMost(WAIT).ignoreExceptions().untilAsserted(() -> {
            ControllerServiceClient.StateView view = client.state(adminAddresses[cut]);
            assertThat(view.leaderId()).as("the old leader follows the majority's").isEqualTo(next);
            GroupState g = view.state().group(G);
            // replica 2 may appear too: the refused attempt's Ratis client may retry it through the new leader
            assertThat(g.replicas()).as("it holds what was decided without it").containsKeys(0, 1);
        });
    }

    /** Whether registering replica {@code id} through peer {@code peer} is accepted within a few seconds. */
    private boolean acceptedAt(int peer, int id) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (System.nanoTime() < deadline) {
            try {
                Reply r = client.register(adminAddresses[peer], registration(id));
                if (r.accepted()) {
                    return true;
                }
            } catch (ControllerUnavailableException e) {
                // refused: no quorum behind this peer; ask again until the deadline
            }
        }
        return false;
    }

    private void register(int id, String address) {
        await().atMost(WAIT).ignoreExceptions().until(() -> client.register(address, registration(id)).accepted());
    }

    private static Command.RegisterReplica registration(int id) {
        return new Command.RegisterReplica(G, new ReplicaInfo(id, "127.0.0.1:" + (30000 + id),
                "127.0.0.1:" + (31000 + id), "store-" + id, 1, 0));
    }

    private void bridge(String name, String address) throws Exception {
        sh("ip", "link", "add", name, "type", "bridge");
        undo.push(List.of("ip", "link", "del", name));
        if (address != null) {
            sh("ip", "addr", "add", address, "dev", name);
        }
        sh("ip", "link", "set", name, "up");
    }

    /** A veth pair: one end in {@code ns} with {@code address}, the other on {@code bridge}; returns the bridge end. */
    private String link(String ns, String name, String bridge, String address) throws Exception {
        String inside = name + "p";
        sh("ip", "link", "add", name, "type", "veth", "peer", "name", inside);
        undo.push(List.of("ip", "link", "del", name));
        sh("ip", "link", "set", inside, "netns", ns);
        sh("ip", "link", "set", name, "master", bridge);
        sh("ip", "link", "set", name, "up");
        sh("ip", "netns", "exec", ns, "ip", "addr", "add", address, "dev", inside);
        sh("ip", "netns", "exec", ns, "ip", "link", "set", inside, "up");
        return name;
    }

    private static boolean canMakeNamespaces() {
        String probe = "tqprobe" + ThreadLocalRandom.current().nextInt(1000);
        try {
            if (run(List.of("ip", "netns", "add", probe), false) != 0) {
                return false;
            }
            run(List.of("ip", "netns", "del", probe), false);
            return true;
        } catch (Exception e) {
            return false;
        }
    }

    private static void sh(String... cmd) throws Exception {
        run(List.of(cmd), true);
    }

    private static int run(List<String> cmd, boolean mustSucceed) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException(String.join(" ", cmd) + " did not finish");
        }
        if (mustSucceed && p.exitValue() != 0) {
            throw new IllegalStateException(String.join(" ", cmd) + " failed (" + p.exitValue() + "): " + out);
        }
        return p.exitValue();
    }
}
