package io.tidemq.cli;

import io.tidemq.client.admin.AdminClient;
import io.tidemq.common.message.MessageConst;
import io.tidemq.common.message.MessageExt;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code tidemq admin dlq list|resend}: a consumer group's dead-letter queue. */
@Command(name = "dlq", mixinStandardHelpOptions = true,
        description = "Shows and resends the messages a consumer group gave up on (its dead-letter queue).",
        subcommands = {AdminDlqCommand.ListDeadLetters.class, AdminDlqCommand.Resend.class})
public final class AdminDlqCommand extends CommandGroup {

    @Command(name = "list", mixinStandardHelpOptions = true,
            description = "Lists the messages in %%DLQ%%<group>, oldest first.",
            footer = {"", "Example:", "  tidemq admin dlq list --group order-service --count 20"})
    static final class ListDeadLetters extends AdminSubcommand {
        @Option(names = "--group", paramLabel = "GROUP", required = true, description = "The consumer group.")
        String group;

        @Option(names = "--count", paramLabel = "N", defaultValue = "32",
                description = "At most N messages per broker (default: ${DEFAULT-VALUE}, limit 256).")
        int count;

        @Override
        void run(AdminClient client) {
            List<MessageExt> dead = client.deadLetters(group, count);
            if (dead.isEmpty()) {
                requireKnownGroup(client, group);
            }
            List<Map<String, Object>> json = new ArrayList<>();
            dead.forEach(m -> json.add(row(m)));
            print(json, table(group, dead));
        }

        static String table(String group, List<MessageExt> dead) {
            if (dead.isEmpty()) {
                return "No dead-lettered message for group " + group + ".\n";
            }
            TextTable t = new TextTable("MSG ID", "ORIGINAL TOPIC", "RECONSUMED", "STORED", "KEYS");
            for (MessageExt m : dead) {
                t.row(m.msgId(), originTopic(m), m.reconsumeTimes(), Instant.ofEpochMilli(m.storeTimestampMs()),
                        orNone(m.property(MessageConst.KEYS)));
            }
            return t.render();
        }

        private static Map<String, Object> row(MessageExt m) {
            Map<String, Object> j = new LinkedHashMap<>();
            j.put("msgId", m.msgId());
            j.put("originTopic", originTopic(m));
            j.put("originMsgId", m.property(MessageConst.ORIGIN_MSG_ID));
            j.put("reconsumeTimes", m.reconsumeTimes());
            j.put("storeTimestampMs", m.storeTimestampMs());
            j.put("keys", m.keys());
            j.put("uniqueId", m.uniqueId());
            return j;
        }

        private static String originTopic(MessageExt m) {
            String origin = m.property(MessageConst.ORIGIN_TOPIC);
            return origin == null ? m.topic() : origin;
        }

        private static String orNone(String s) {
            return s == null || s.isEmpty() ? MessageLines.NONE : s;
        }
    }

    /**
     * A group without dead letters and unknown to every broker is most likely a mistyped name: it fails like
     * {@code admin group describe} of that name (exit 1, UnknownGroupException), not with an empty answer.
     */
    static void requireKnownGroup(AdminClient client, String group) {
        client.describeGroup(group, io.tidemq.client.admin.AdminTarget.all());
    }

    @Command(name = "resend", mixinStandardHelpOptions = true,
            description = {"Delivers dead letters to the group again: each is put into %%RETRY%%<group>, due at once,"
                    + " with its reconsume count reset, so only this group (not every group of the original topic)"
                    + " receives it. --all resends the messages not resent before (by --all or by --id)."},
            footer = {"", "Examples:", "  tidemq admin dlq resend --group order-service --id 0A00000500002A9F0000000000001F40",
                    "  tidemq admin dlq resend --group order-service --all"})
    static final class Resend extends AdminSubcommand {
        @Option(names = "--group", paramLabel = "GROUP", required = true, description = "The consumer group.")
        String group;

        @ArgGroup(exclusive = true, multiplicity = "1")
        Which which;

        static final class Which {
            @Option(names = "--id", paramLabel = "ID", required = true,
                    description = "The dead letter's message id (from dlq list).")
            String id;

            @Option(names = "--all", required = true, description = "Every dead letter not resent before, by --all or by --id.")
            boolean all;
        }

        @Override
        void run(AdminClient client) {
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("group", group);
            String text;
            if (which.id != null) {
                String broker = client.resendDeadLetter(group, which.id);
                json.put("resent", 1);
                json.put("broker", broker);
                text = "Resent " + which.id + " to %RETRY%" + group + " (broker " + broker + ").\n";
            } else {
                long resent = client.resendAllDeadLetters(group,
                        new StderrProgress(spec.commandLine().getErr(), "dlq resend", "broker(s)"));
                if (resent == 0) {
                    requireKnownGroup(client, group);
                }
                json.put("resent", resent);
                text = "Resent " + resent + " dead letter(s) of group " + group + " to %RETRY%" + group + ".\n";
            }
            print(json, text);
        }
    }
}
