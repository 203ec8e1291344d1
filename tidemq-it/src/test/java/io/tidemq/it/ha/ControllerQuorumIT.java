package io.tidemq.it.ha;

import io.tidemq.controller.client.ControllerServiceClient;
import io.tidemq.controller.state.Command;
import io.tidemq.controller.state.GroupState;
import io.tidemq.controller.state.ReplicaInfo;
import io.tidemq.it.support.Cli;
import io.tidemq.it.support.FreePorts;
import io.tidemq.it.support.JvmProcess;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Three {@code tidemq controller} JVMs on loopback ports chosen at run time: the admin view, a {@code kill -9} of
 * the Ratis leader (another leads, nothing committed is lost, the quorum of two keeps deciding), the killed peer's
 * restart (it catches up), and an operator's election through {@code tidemq admin elect}.
 */
class ControllerQuorumIT {
    private static final String G = "broker-a";
    private static final Duration WAIT = Duration.ofSeconds(90);

    @TempDir
    Path dir;

    private final JvmProcess[] peers = new JvmProcess[3];
    private final Path[] configs = new Path[3];
    private final List<String> addresses = new ArrayList<>();
    private Cli cli;
    private ControllerServiceClient client;

    @AfterEach
    void stop() {
        if (client != null) {
            client.close();
        }
        for (JvmProcess p : peers) {
            if (p != null) {
                p.close();
            }
        }
    }

    private void startPeer(int i) throws Exception {
        peers[i] = cli.start("controller", "--config", configs[i].toString());
        peers[i].awaitLine(l -> l.startsWith("TideMQ controller ready: c" + i), WAIT);
    }

    @Test
    void theQuorumSurvivesAKill9OfItsLeaderAndTheAdminToolShowsAndElects() throws Exception {
        cli = new Cli(dir.resolve("logs"));
        StringBuilder peerList = new StringBuilder();
        for (int i = 0; i < 3; i++) {
            peerList.append(i == 0 ? "" : ",").append("c").append(i).append("@127.0.0.1:").append(FreePorts.next());
        }
        for (int i = 0; i < 3; i++) {
            int port = FreePorts.next();
            addresses.add("127.0.0.1:" + port);
            configs[i] = dir.resolve("c" + i + ".properties");
            Files.writeString(configs[i], String.join("\n", "controllerId=c" + i, "controllerPeers=" + peerList,
                    "controllerListenPort=" + port, "bindAddress=127.0.0.1",
                    "controllerStorePath=" + dir.resolve("store"), "masterLeaseMs=2000") + "\n");
        }
        for (int i = 0; i < 3; i++) {
            startPeer(i);
        }
        client = new ControllerServiceClient(10_000);
        register(0, addresses.get(0));

        String controllers = String.join(",", addresses);
        Cli.Result shown = cli.run(WAIT, "admin", "controller", "--controller", controllers);
        assertThat(shown.exitCode()).as(shown.text()).isZero();
        assertThat(shown.text()).contains("leader: c").contains(G);

        String leader = await().atMost(WAIT).until(() -> client.state(addresses.get(0)).leaderId(),
                id -> id != null && !id.isEmpty());
        int killed = Integer.parseInt(leader.substring(1));
        peers[killed].kill9();
        peers[killed] = null;
        int survivor = (killed + 1) % 3;
        String next = await().atMost(WAIT).ignoreExceptions().until(() -> client.state(addresses.get(survivor))
                .leaderId(), id -> id != null && !id.isEmpty() && !id.equals(leader));
        assertThat(next).isNotEqualTo(leader);
        assertThat(client.state(addresses.get(survivor)).state().group(G).replicas()).as("committed before the kill")
                .containsOnlyKeys(0);
        register(1, addresses.get(survivor)); // two of three peers still decide

        startPeer(killed);
        await().atMost(WAIT).ignoreExceptions().untilAsserted(() -> {
            GroupState local = client.heartbeat(addresses.get(killed), G, 1, 1, 0, 10).group();
            assertThat(local).isNotNull();
            assertThat(local.replicas()).as("the restarted peer caught up").containsOnlyKeys(0, 1);
        });

        Cli.Result elected = cli.run(WAIT, "admin", "elect", "--controller", controllers, "--group", G,
                "--replica", "1", "--unclean");
        assertThat(elected.exitCode()).as(elected.text()).isZero();
        assertThat(elected.text()).contains("replica 1 is master in epoch 1");
        Cli.Result refused = cli.run(WAIT, "admin", "elect", "--controller", controllers, "--group", G,
                "--replica", "0");
        assertThat(refused.exitCode()).as(refused.text()).isEqualTo(1);
        assertThat(refused.text()).contains("CANDIDATE_NOT_IN_SYNC");
    }

    private void register(int id, String address) {
        await().atMost(WAIT).ignoreExceptions().until(() -> client.register(address,
                new Command.RegisterReplica(G, new ReplicaInfo(id, "127.0.0.1:" + (30000 + id),
                        "127.0.0.1:" + (31000 + id), "store-" + id, 1, 0))).accepted());
    }
}
