package io.tidemq.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.tidemq.broker.config.BrokerConfig;
import io.tidemq.broker.BrokerController;
import io.tidemq.client.admin.AdminClient;
import io.tidemq.common.json.Json;
import io.tidemq.namesrv.NamesrvController;
import io.tidemq.namesrv.config.NamesrvConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** {@code tidemq admin config get|set} against a NameServer and a broker in this JVM. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AdminConfigCommandTest {

    @TempDir
    static Path dir;

    private NamesrvController namesrv;
    private BrokerController broker;
    private String ns;

    @BeforeAll
    void startServers() {
        namesrv = new NamesrvController(NamesrvConfig.builder().listenPort(0).bindAddress("127.0.0.1").build());
        namesrv.start();
        ns = "127.0.0.1:" + namesrv.port();
        broker = new BrokerController(BrokerConfig.builder().brokerName("broker-c").brokerIp("127.0.0.1")
                .bindAddress("127.0.0.1").listenPort(0).namesrvAddrs(List.of(ns)).storePath(dir.resolve("store"))
                .registerIntervalMs(500).storeProperty("commitLogFileBytes", Integer.toString(8 << 20))
                .storeProperty("warmMappedFiles", "false").storeProperty("preallocateNextFile", "false").build());
        broker.start();
        try (AdminClient admin = AdminClient.connect(ns, 10_000)) {
            await().atMost(Duration.ofSeconds(30)).until(() -> !admin.brokers().isEmpty());
        }
    }

    @AfterAll
    void stopServers() {
        broker.close();
        namesrv.close();
    }

    private Cli.Result admin(String... args) {
        String[] full = new String[args.length + 4];
        full[0] = "admin";
        full[1] = "config";
        System.arraycopy(args, 0, full, 2, args.length);
        full[args.length + 2] = "--namesrv";
        full[args.length + 3] = ns;
        return Cli.exec(full);
    }

    private static JsonNode json(Cli.Result r) {
        assertThat(r.exitCode()).as(r.err()).isZero();
        return Json.fromBytes(r.out().getBytes(StandardCharsets.UTF_8), JsonNode.class);
    }

    private static JsonNode entry(JsonNode snapshot, String key) {
        for (JsonNode e : snapshot.get("entries")) {
            if (e.get("key").asText().equals(key)) {
                return e;
            }
        }
        throw new AssertionError("no entry " + key + " in " + snapshot);
    }

    @Test
    void getShowsEveryKeyWithTheValueTheBrokerRunsWithAndWhetherItChangesLive() {
        Cli.Result table = admin("get", "--broker", broker.address());
        assertThat(table.exitCode()).as(table.err()).isZero();
        assertThat(table.out()).contains("KEY", "VALUE", "DEFAULT", "CHANGE", "maxPullMessages", "live", "restart",
                "retentionHours");

        JsonNode snapshot = json(admin("get", "--broker", broker.address(), "--json")).get(broker.address());
        String port = broker.address().substring(broker.address().lastIndexOf(':') + 1);
        assertThat(entry(snapshot, "listenPort").get("value").asText()).isEqualTo(port);
        assertThat(entry(snapshot, "listenPort").get("dynamic").asBoolean()).isFalse();
        assertThat(entry(snapshot, "brokerName").get("value").asText()).isEqualTo("broker-c");
        assertThat(entry(snapshot, "maxPullMessages").get("dynamic").asBoolean()).isTrue();

        Cli.Result one = admin("get", "--cluster", "DefaultCluster", "--key", "autoCreateTopic");
        assertThat(one.exitCode()).as(one.err()).isZero();
        assertThat(one.out()).contains("autoCreateTopic").doesNotContain("maxPullMessages");
    }

    @Test
    void setChangesALiveKeyOnTheRunningBrokerAndSaysFromWhatToWhat() {
        Cli.Result r = admin("set", "--broker", broker.address(), "longPollingMaxMs=20000");
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out()).contains("longPollingMaxMs 30000 -> 20000");
        assertThat(r.err()).contains("Changing [longPollingMaxMs]");
        assertThat(broker.configSnapshot().entry("longPollingMaxMs").value()).isEqualTo("20000");

        JsonNode changes = json(admin("set", "--broker", broker.address(), "longPollingMaxMs=30000", "--json"));
        assertThat(changes.get(broker.address()).get("longPollingMaxMs").get("old").asText()).isEqualTo("20000");
        assertThat(changes.get(broker.address()).get("longPollingMaxMs").get("new").asText()).isEqualTo("30000");
    }

    @Test
    void setRefusesAKeyThatNeedsARestartExitsOneAndChangesNothing() {
        Cli.Result r = admin("set", "--broker", broker.address(), "maxPullMessages=5", "flushMode=SYNC");
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.err()).contains("refused the change", "[flushMode] takes effect only when the broker starts",
                "properties file").doesNotContain("INVALID_PARAMETER");
        assertThat(broker.configSnapshot().entry("maxPullMessages").value()).isEqualTo("256");
        assertThat(broker.configSnapshot().entry("flushMode").value()).isEqualTo("ASYNC");
    }

    @Test
    void anUnknownKeyABadValueOrAMissingTargetIsAUsageError() {
        Cli.Result unknown = admin("set", "--broker", broker.address(), "maxPullMesages=5");
        assertThat(unknown.exitCode()).isEqualTo(2);
        assertThat(unknown.err()).contains("'maxPullMesages' is not a broker configuration key");
        Cli.Result range = admin("set", "--broker", broker.address(), "maxPullMessages=0");
        assertThat(range.exitCode()).isEqualTo(2);
        assertThat(range.err()).contains("maxPullMessages must be in [1, ");
        assertThat(admin("set", "--broker", broker.address(), "maxPullMessages").exitCode()).isEqualTo(2);
        assertThat(admin("get").exitCode()).isEqualTo(2);
        assertThat(admin("get", "--broker", broker.address(), "--nameserver").exitCode()).isEqualTo(2);
    }

    @Test
    void theNameServerShowsItsKeysAndRefusesEveryChangeUntilARestart() {
        JsonNode snapshot = json(admin("get", "--nameserver", "--json")).get(ns);
        assertThat(snapshot.get("role").asText()).isEqualTo("NameServer");
        assertThat(entry(snapshot, "listenPort").get("value").asText()).isEqualTo(Integer.toString(namesrv.port()));
        assertThat(entry(snapshot, "brokerExpireMs").get("dynamic").asBoolean()).isFalse();

        Cli.Result r = admin("set", "--nameserver", "brokerExpireMs=60000");
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.err()).contains("NameServer " + ns + " refused the change",
                "take effect only when the NameServer starts");
        Cli.Result unknown = admin("set", "--nameserver", "maxPullMessages=5");
        assertThat(unknown.exitCode()).isEqualTo(2);
        assertThat(unknown.err()).contains("'maxPullMessages' is not a NameServer configuration key");
    }
}
