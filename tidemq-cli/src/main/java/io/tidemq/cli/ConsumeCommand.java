package io.tidemq.cli;

import io.tidemq.client.ClientConfig;
import io.tidemq.client.admin.AdminClient;
import io.tidemq.client.TopicNotFoundException;
import io.tidemq.client.consumer.ConsumeFromWhere;
import io.tidemq.client.consumer.PullConsumer;
import io.tidemq.common.message.MessageExt;
import io.tidemq.common.names.NameValidator;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code tidemq consume}: reads a topic as a consumer group, prints each message as
 * {@code msgId<TAB>key<TAB>tag<TAB>body}, commits, and exits after {@code --count} messages or when none
 * arrived for {@code --timeout-ms}, or on Ctrl-C / SIGTERM. However it ends, it commits the offsets of exactly
 * the messages it printed: a signal stops the loop between two polls ({@link GracefulStop}), and the
 * messages of the last poll are all printed (or rewound) before it stops.
 *
 * <p>It fails fast (exit 1) when no NameServer answers or the topic does not exist, rather than waiting.
 */
@Command(name = "consume", mixinStandardHelpOptions = true,
        description = {"Reads a topic as a consumer group and prints one line per message.",
                "Each line is msgId<TAB>key<TAB>tag<TAB>body (tabs, newlines and backslashes in the body are escaped;"
                        + " '-' = none).",
                "Commits what it printed, then exits after --count messages, when none arrived for --timeout-ms,",
                "or on Ctrl-C / SIGTERM. Fails at once if no NameServer answers or the topic does not exist."},
        footer = {"", "Examples:",
                "  tidemq consume --namesrv 127.0.0.1:9876 --topic demo --group demo-group --count 10",
                "  tidemq consume --topic orders --group audit --from last --tag 'created || paid' --timeout-ms 60000"})
public final class ConsumeCommand implements Callable<Integer> {

    private static final long MAX_POLL_MS = 500;
    /** How long a stop signal waits at least for the commit of the printed messages. */
    private static final long MIN_STOP_WAIT_MS = 10_000;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Mixin
    ClientOptions client;

    @Option(names = "--topic", paramLabel = "TOPIC", required = true, description = "Topic to read.")
    String topic;

    @Option(names = "--group", paramLabel = "GROUP", required = true,
            description = "Consumer group; the group's committed offsets say where reading resumes.")
    String group;

    @Option(names = "--count", paramLabel = "N", description = "Exit after N messages (default: no limit).")
    Integer count;

    @Option(names = "--timeout-ms", paramLabel = "MS", defaultValue = "10000",
            description = "Exit when no message arrived for this long (default: ${DEFAULT-VALUE}).")
    long timeoutMs;

    @Option(names = "--from", paramLabel = "first|last", defaultValue = "first",
            description = "Where a group without committed offsets starts: first (oldest stored) or last (new"
                    + " messages only). Default: ${DEFAULT-VALUE}.")
    ConsumeFromWhere from;

    @Option(names = "--tag", paramLabel = "EXPR", defaultValue = "*",
            description = "Tag filter: * or 'TagA || TagB' (default: ${DEFAULT-VALUE}).")
    String tagExpression;

    @Override
    public Integer call() {
        CommandLine cl = spec.commandLine();
        if (count != null && count < 1) {
            throw new CommandLine.ParameterException(cl, "--count must be at least 1, was " + count);
        }
        if (timeoutMs < 1) {
            throw new CommandLine.ParameterException(cl, "--timeout-ms must be at least 1, was " + timeoutMs);
        }
        // before connecting: a bad name is a usage error (exit 2, see CliErrors), as in admin commands
        NameValidator.checkTopic(topic);
        NameValidator.checkGroup(group);
        PrintWriter out = cl.getOut();
        PrintWriter err = cl.getErr();
        ClientConfig config = client.clientConfig("tidemq-cli");
        checkTopicExists();
        GracefulStop stop = GracefulStop.install("consume (committing the printed messages)",
                Math.max(MIN_STOP_WAIT_MS, 4 * client.requestTimeoutMs));
        try {
            int printed = consume(config, stop, out, err);
            err.println("consumed " + printed + (count == null ? "" : " of " + count) + " message(s) from topic "
                    + topic + " as group " + group + (stop.requested() ? "; stopped by a signal, offsets of the"
                    + " printed messages committed" : count != null && printed < count
                    ? "; no message arrived for " + timeoutMs + " ms" : ""));
            err.flush();
            return 0;
        } finally {
            stop.release();
        }
    }

    /**
     * Fails fast when the NameServers cannot be reached or do not know the topic: a consumer would otherwise
     * wait for --timeout-ms and exit 0, as if the topic were merely empty.
     */
    private void checkTopicExists() {
        try (AdminClient admin = AdminClient.connect(client.namesrv, client.requestTimeoutMs)) {
            admin.route(topic);
        } catch (TopicNotFoundException e) {
            throw new CommandFailedException("topic '" + topic + "' does not exist on the NameServers " + client.namesrv
                    + ", so there is nothing to consume. Send to it first (tidemq produce --topic " + topic
                    + "; brokers with autoCreateTopic, like standalone, create it on the first send) or create it"
                    + " (tidemq admin topic create --topic " + topic + "); list the topics with tidemq admin topic"
                    + " list", e);
        }
    }

    /** Polls and prints until --count, --timeout-ms or a stop signal; commits what it printed. */
    private int consume(ClientConfig config, GracefulStop stop, PrintWriter out, PrintWriter err) {
        int printed = 0;
        try (PullConsumer consumer = PullConsumer.builder(group, config)
                .consumeFromWhere(from).autoCommit(false).build()) {
            consumer.subscribe(topic, tagExpression);
            consumer.start();
            Rewinder rewinder = new Rewinder(consumer, client, err);
            long lastArrivalNs = System.nanoTime();
            while ((count == null || printed < count) && !stop.requested()) {
                long idleMs = (System.nanoTime() - lastArrivalNs) / 1_000_000;
                if (idleMs >= timeoutMs) {
                    break;
                }
                List<MessageExt> msgs = consumer.poll(Duration.ofMillis(Math.min(MAX_POLL_MS, timeoutMs - idleMs)));
                if (msgs.isEmpty()) {
                    continue;
                }
                lastArrivalNs = System.nanoTime();
                int i = 0;
                for (; i < msgs.size() && (count == null || printed < count); i++) {
                    out.println(MessageLines.format(msgs.get(i)));
                    printed++;
                }
                out.flush();
                if (i < msgs.size()) {
                    // a poll may return more than --count still wants: leave the rest for the group's next reader
                    rewinder.rewind(msgs.subList(i, msgs.size()));
                }
            }
            consumer.commitSync();
        }
        return printed;
    }
}
