package io.tidemq.cli;

import io.tidemq.client.consumer.ConsumeFromWhere;
import io.tidemq.client.consumer.PullConsumer;
import io.tidemq.common.message.MessageExt;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code tidemq bench consume}: reads a topic as a consumer group and reports throughput and end-to-end
 * latency (receive time minus the broker's store timestamp, so producer and consumer clocks need not agree
 * with each other, only with the broker's to the millisecond).
 */
@Command(name = "consume", mixinStandardHelpOptions = true,
        description = {"Consumes a topic; prints progress every few seconds and a summary: total, msgs/s, MB/s and",
                "end-to-end latency (receive time - store timestamp) p50/p99/p999 in ms.",
                "Run it next to `bench produce`; --from first drains a backlog (latency then includes its age)."},
        footer = {"", "Example:", "  tidemq bench consume --topic bench --group bench-consumer --seconds 30"})
public final class BenchConsumeCommand implements Callable<Integer> {

    private static final Duration POLL = Duration.ofMillis(200);

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Mixin
    ClientOptions client;

    @Option(names = "--topic", paramLabel = "TOPIC", required = true, description = "Topic to read.")
    String topic;

    @Option(names = "--group", paramLabel = "GROUP", required = true, description = "Consumer group.")
    String group;

    @ArgGroup(exclusive = true, multiplicity = "1")
    BenchDuration duration;

    @Option(names = "--from", paramLabel = "first|last", defaultValue = "last",
            description = "Where a group without committed offsets starts (default: ${DEFAULT-VALUE}).")
    ConsumeFromWhere from;

    @Option(names = "--idle-timeout-ms", paramLabel = "MS", defaultValue = "30000",
            description = "Stop when no message arrived for this long (default: ${DEFAULT-VALUE}).")
    long idleTimeoutMs;

    @Option(names = "--report-interval-s", paramLabel = "S", defaultValue = "3",
            description = "Seconds between progress lines (default: ${DEFAULT-VALUE}).")
    int reportIntervalS;

    @Override
    public Integer call() {
        CommandLine cl = spec.commandLine();
        if (idleTimeoutMs < 1 || reportIntervalS < 1 || (duration.count != null && duration.count < 1)
                || (duration.seconds != null && duration.seconds < 1)) {
            throw new CommandLine.ParameterException(cl, "--count, --seconds, --idle-timeout-ms and"
                    + " --report-interval-s must be positive");
        }
        PrintWriter out = cl.getOut();
        try (PullConsumer consumer = PullConsumer.builder(group, client.clientConfig("tidemq-bench"))
                .consumeFromWhere(from).build()) {
            consumer.subscribe(topic, "*");
            consumer.start();
            out.println("bench consume: topic " + topic + ", group " + group + ", from " + from + ", for "
                    + duration.describe());
            out.flush();
            BenchStats stats = new BenchStats("bench consume", out);
            stats.startReporting(reportIntervalS * 1000L);
            long deadlineNs = duration.deadlineNs(System.nanoTime());
            long limit = duration.count != null ? duration.count : Long.MAX_VALUE;
            long lastArrivalNs = System.nanoTime();
            String stopReason = "done";
            while (stats.messages() < limit) {
                long now = System.nanoTime();
                if (now >= deadlineNs) {
                    break;
                }
                if ((now - lastArrivalNs) / 1_000_000 >= idleTimeoutMs) {
                    stopReason = "no message for " + idleTimeoutMs + " ms";
                    break;
                }
                List<MessageExt> msgs = consumer.poll(POLL);
                if (msgs.isEmpty()) {
                    continue;
                }
                lastArrivalNs = System.nanoTime();
                long receivedMs = System.currentTimeMillis();
                for (int i = 0, n = msgs.size(); i < n; i++) {
                    MessageExt m = msgs.get(i);
                    stats.record(1, m.body().length, (receivedMs - m.storeTimestampMs()) * 1_000);
                }
            }
            stats.finish("e2e latency");
            if (!"done".equals(stopReason)) {
                cl.getErr().println("stopped early: " + stopReason);
                cl.getErr().flush();
            }
            return 0;
        }
    }
}
