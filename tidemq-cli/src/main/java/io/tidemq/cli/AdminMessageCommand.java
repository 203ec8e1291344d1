package io.tidemq.cli;

import io.tidemq.client.admin.AdminClient;
import io.tidemq.common.message.MessageExt;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** {@code tidemq admin message get --id ID | --key K --topic T}. */
@Command(name = "message", mixinStandardHelpOptions = true, description = "Looks messages up.",
        subcommands = AdminMessageCommand.Get.class)
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
}
