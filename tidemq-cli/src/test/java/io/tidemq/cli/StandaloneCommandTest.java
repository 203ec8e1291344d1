package io.tidemq.cli;

import io.tidemq.broker.config.BrokerConfig;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Which addresses {@code standalone} listens on and advertises, read from its parsed options (nothing is
 * started and nothing connects: the non-loopback address below is a documentation address, RFC 5737).
 */
class StandaloneCommandTest {

    private static final String NETWORK_IP = "192.0.2.7";

    private static StandaloneCommand parse(String... options) {
        List<String> args = new ArrayList<>(List.of("standalone"));
        args.addAll(List.of(options));
        CommandLine cl = TideMq.newCommandLine();
        cl.parseArgs(args.toArray(String[]::new));
        return cl.getSubcommands().get("standalone").getCommand();
    }

    private static BrokerConfig broker(StandaloneCommand c) {
        return c.brokerConfig(Path.of("data"), "127.0.0.1:9876");
    }

    @Test
    void byDefaultBothServersListenOnLoopbackAndTheBrokerAdvertisesLoopback() {
        StandaloneCommand c = parse();

        assertThat(c.namesrvConfig().bindAddress()).isEqualTo("127.0.0.1");
        assertThat(broker(c).bindAddress()).isEqualTo("127.0.0.1");
        assertThat(broker(c).brokerIp()).isEqualTo("127.0.0.1");
    }

    @Test
    void aNetworkBrokerIpOpensBothServersToEveryInterface() {
        StandaloneCommand c = parse("--broker-ip", NETWORK_IP);

        assertThat(broker(c).brokerIp()).isEqualTo(NETWORK_IP);
        assertThat(broker(c).bindAddress()).isEqualTo("0.0.0.0");
        assertThat(c.namesrvConfig().bindAddress()).isEqualTo("0.0.0.0");
    }

    @Test
    void bindChoosesTheListeningAddressAndTheBrokerStillAdvertisesLoopback() {
        StandaloneCommand c = parse("--bind", "0.0.0.0");

        assertThat(c.namesrvConfig().bindAddress()).isEqualTo("0.0.0.0");
        assertThat(broker(c).bindAddress()).isEqualTo("0.0.0.0");
        assertThat(broker(c).brokerIp()).isEqualTo("127.0.0.1");
    }

    @Test
    void anAdvertisedAddressTheServersDoNotListenOnIsAUsageError() {
        Cli.Result r = Cli.exec("standalone", "--broker-ip", NETWORK_IP, "--bind", "127.0.0.1", "--data",
                "/nonexistent/never-created");

        assertThat(r.exitCode()).isEqualTo(CliErrors.EXIT_USAGE);
        assertThat(r.err()).contains("--broker-ip " + NETWORK_IP).contains("--bind 127.0.0.1");
    }

    @Test
    void aKeyAnOptionOwnsCannotBeSetWithSet() {
        Cli.Result r = Cli.exec("standalone", "--set", "listenPort=1234", "--data", "/nonexistent/never-created");

        assertThat(r.exitCode()).isEqualTo(CliErrors.EXIT_USAGE);
        assertThat(r.err()).contains("--set listenPort").contains("--broker-port");
    }
}
