package io.tidemq.cli;

import io.tidemq.client.admin.AdminClient;
import io.tidemq.client.admin.MessageListing;
import io.tidemq.client.admin.QueueMessages;
import io.tidemq.common.message.MessageConst;
import io.tidemq.common.message.MessageExt;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code tidemq admin message get --id ID | --key K --topic T} and {@code admin message list}. */
@Command(name = "message", mixinStandardHelpOptions = true, description = "Looks messages up.",
        subcommands = {AdminMessageCommand.Get.class, AdminMessageCommand.ListMessages.class})
public final class AdminMessageCommand extends CommandGroup {

    @Command(name = "get", mixinStandardHelpOptions = true,
            description = {"Shows a message by its id (printed by produce and consume), or the messages of a topic"
                    + " with a business key."},
            footer = {"", "Examples:", "  tidemq admin message get --id 0A00000500002A9F0000000000001F40",
                    "  tidemq admin message get --key order-42 --topic orders"})
    static final class Get extends AdminSubcommand {
        @ArgGroup(exclusive = true, multiplicity = "1")
        Lookup lookup;

        @Option(names = "--max", paramLabel = "N", defaultValue = "32",
                description = "With --key: at most N messages per broker (default: ${DEFAULT-VALUE}, limit 64).")
        int max;

        static final class Lookup {
            @Option(names = "--id", paramLabel = "ID", required = true, description = "The message id.")
            String id;

            @ArgGroup(exclusive = false)
            ByKey byKey;
        }

        static final class ByKey {
            @Option(names = "--key", paramLabel = "KEY", required = true, description = "A business key.")
            String key;

            @Option(names = "--topic", paramLabel = "TOPIC", required = true, description = "The key's topic.")
            String topic;
        }

        @Override
        void run(AdminClient client) {
            List<MessageExt> found = lookup.id != null ? List.of(client.messageById(lookup.id))
                    : client.messagesByKey(lookup.byKey.topic, lookup.byKey.key, max);
            List<Map<String, Object>> json = new ArrayList<>();
            StringBuilder text = new StringBuilder();
            for (MessageExt m : found) {
                json.add(AdminFormat.messageJson(m));
                text.append(text.length() == 0 ? "" : "\n").append(AdminFormat.message(m));
            }
            print(lookup.id != null ? json.get(0) : json, text.toString());
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true,
            description = {"Lists the messages of one queue from an offset, or of every queue of a topic stored in a"
                    + " time range (found through each queue's time index). Reading delivers nothing and commits"
                    + " nothing. At most --count messages per queue: when that bound cuts the range, the output"
                    + " says INCOMPLETE and where to continue."},
            footer = {"", "Examples:", "  tidemq admin message list --topic orders --queue broker-a:3 --offset 1200",
                    "  tidemq admin message list --topic orders --from 2026-12-03T10:00:00Z --to 2026-12-03T10:05:00Z"})
    static final class ListMessages extends AdminSubcommand {
        @Option(names = "--topic", paramLabel = "TOPIC", required = true, description = "The topic.")
        String topic;

        @ArgGroup(exclusive = true, multiplicity = "1")
        Range range;

        @Option(names = "--count", paramLabel = "N", defaultValue = "32",
                description = "At most N messages per queue (default: ${DEFAULT-VALUE}, limit 256).")
        int count;

        static final class Range {
            @ArgGroup(exclusive = false)
            ByQueue byQueue;

            @ArgGroup(exclusive = false)
            ByTime byTime;
        }

        static final class ByQueue {
            @Option(names = "--queue", paramLabel = "BROKER:ID", required = true,
                    description = "The queue: broker name and queue id, e.g. broker-a:3 (see admin topic describe).")
            String queue;

            @Option(names = "--offset", paramLabel = "N", required = true, description = "The first queue offset to read.")
            long offset;
        }

        static final class ByTime {
            @Option(names = "--from", paramLabel = "TIME", required = true,
                    description = "Start of the time range: ISO-8601 (2026-12-03T10:00:00Z) or epoch milliseconds.")
            String from;

            @Option(names = "--to", paramLabel = "TIME", description = "End of the time range (default: now).")
            String to;
        }

        @Override
        void checkOptions() {
            if (count < 1 || count > AdminClient.MAX_MESSAGES_PER_QUEUE) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--count must be between 1 and "
                        + AdminClient.MAX_MESSAGES_PER_QUEUE + ", was " + count);
            }
            if (range.byQueue != null) {
                queueId();
                if (range.byQueue.offset < 0) {
                    throw new CommandLine.ParameterException(spec.commandLine(), "--offset must be >= 0, was "
                            + range.byQueue.offset);
                }
            } else if (toMs() < fromMs()) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--to is before --from");
            }
        }

        private String brokerName() {
            return range.byQueue.queue.substring(0, range.byQueue.queue.lastIndexOf(':'));
        }

        private int queueId() {
            String q = range.byQueue.queue;
            int colon = q.lastIndexOf(':');
            try {
                if (colon > 0) {
                    return Integer.parseInt(q.substring(colon + 1));
                }
            } catch (NumberFormatException e) {
                // reported below
            }
            throw new CommandLine.ParameterException(spec.commandLine(), "--queue '" + q + "' is not BROKER:ID, e.g."
                    + " broker-a:3");
        }

        private long fromMs() {
            return OffsetResetOptions.parseTime(spec.commandLine(), "--from", range.byTime.from);
        }

        private long toMs() {
            return range.byTime.to == null ? System.currentTimeMillis()
                    : OffsetResetOptions.parseTime(spec.commandLine(), "--to", range.byTime.to);
        }

        @Override
        void run(AdminClient client) {
            MessageListing listing;
            if (range.byQueue != null) {
                QueueMessages q = client.queueMessages(topic, brokerName(), queueId(), range.byQueue.offset, count);
                listing = new MessageListing(List.of(q), q.complete());
            } else {
                spec.commandLine().getErr().println("Searching every queue of " + topic + " by store time ...");
                spec.commandLine().getErr().flush();
                listing = client.listMessagesByTime(topic, fromMs(), toMs(), count,
                        new StderrProgress(spec.commandLine().getErr(), "message list", "queue(s)"));
            }
            print(json(listing), table(listing));
        }

        private static Map<String, Object> json(MessageListing listing) {
            Map<String, Object> j = new LinkedHashMap<>();
            j.put("complete", listing.complete());
            List<Map<String, Object>> queues = new ArrayList<>();
            for (QueueMessages q : listing.queues()) {
                Map<String, Object> qj = new LinkedHashMap<>();
                qj.put("broker", q.brokerName());
                qj.put("queueId", q.queueId());
                qj.put("fromOffset", q.fromOffset());
                qj.put("nextOffset", q.nextOffset());
                qj.put("minOffset", q.minOffset());
                qj.put("maxOffset", q.maxOffset());
                qj.put("complete", q.complete());
                List<Map<String, Object>> messages = new ArrayList<>();
                q.messages().forEach(m -> messages.add(AdminFormat.messageJson(m)));
                qj.put("messages", messages);
                queues.add(qj);
            }
            j.put("queues", queues);
            return j;
        }

        private static String table(MessageListing listing) {
            TextTable t = new TextTable("BROKER", "QUEUE", "OFFSET", "MSG ID", "STORED", "TAG", "KEYS", "BODY");
            StringBuilder cut = new StringBuilder();
            for (QueueMessages q : listing.queues()) {
                for (MessageExt m : q.messages()) {
                    t.row(q.brokerName(), q.queueId(), m.queueOffset(), m.msgId(),
                            Instant.ofEpochMilli(m.storeTimestampMs()), orNone(m.tag()),
                            orNone(m.property(MessageConst.KEYS)), m.body().length + " B");
                }
                if (!q.complete()) {
                    cut.append("  ").append(q.brokerName()).append(':').append(q.queueId()).append(" stopped at offset ")
                            .append(q.nextOffset()).append(" (queue max ").append(q.maxOffset())
                            .append("); continue with --queue ").append(q.brokerName()).append(':').append(q.queueId())
                            .append(" --offset ").append(q.nextOffset()).append('\n');
                }
            }
            StringBuilder sb = new StringBuilder();
            sb.append(t.size() == 0 ? "No message in the range.\n" : t.render());
            sb.append('\n').append(listing.messageCount()).append(" message(s) from ").append(listing.queues().size())
                    .append(" queue(s): ");
            if (listing.complete()) {
                sb.append("complete, the whole range was read.\n");
            } else {
                sb.append("INCOMPLETE, the --count bound cut the range:\n").append(cut);
            }
            return sb.toString();
        }

        private static String orNone(String s) {
            return s == null || s.isEmpty() ? MessageLines.NONE : s;
        }
    }
}
