package io.tidemq.it;

import io.tidemq.cli.TideMq;
import io.tidemq.it.support.FreePorts;
import io.tidemq.it.support.ItLogs;
import io.tidemq.it.support.JvmProcess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** A SIGTERM, even one that arrives while the servers are still starting, shuts everything down cleanly. */
class StandaloneShutdownIT {

    @TempDir
    Path data;

    @Test
    void aSigtermDuringStartUpStillClosesTheBrokerCleanly() throws Exception {
        try (JvmProcess standalone = JvmProcess.start("standalone-early-sigterm", ItLogs.forClass(getClass()),
                List.of("-Xmx256m", "-XX:TieredStopAtLevel=1"), TideMq.class.getName(), "standalone",
                "--data", data.toString(), "--namesrv-port", Integer.toString(FreePorts.next()),
                "--broker-port", Integer.toString(FreePorts.next()), "--console-port", "0")) {
            // the NameServer is up and the broker is starting: signal now
            standalone.awaitLine(l -> l.contains("NameServer started on"), Duration.ofSeconds(60));
            standalone.stopGracefully(Duration.ofSeconds(60));

            assertThat(standalone.lines()).as("output of %s", standalone).contains("TideMQ standalone stopped.");
            // the store deletes its abort marker only on a clean close; its presence means crash recovery next time
            assertThat(data.resolve("broker").resolve("abort")).doesNotExist();
        }
    }
}
