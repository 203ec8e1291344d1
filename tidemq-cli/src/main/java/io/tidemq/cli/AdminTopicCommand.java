package io.tidemq.cli;

import io.tidemq.client.admin.AdminClient;
import io.tidemq.client.admin.TopicDescription;
import io.tidemq.common.route.Perm;
import io.tidemq.common.route.TopicConfig;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SortedSet;

/** {@code tidemq admin topic create|update|delete|list|describe}. */
@Command(name = "topic", mixinStandardHelpOptions = true, description = "Creates, changes, deletes and shows topics.",
        subcommands = {AdminTopicCommand.Create.class, AdminTopicCommand.Update.class, AdminTopicCommand.Delete.class,
                AdminTopicCommand.ListTopics.class, AdminTopicCommand.Describe.class})
public final class AdminTopicCommand extends CommandGroup {

    /** What create and update share: the topic's shape and where it goes. */
    abstract static class TopicWrite extends AdminSubcommand {
        @Mixin
        TargetOptions target;

        @Option(names = "--topic", paramLabel = "TOPIC", required = true, description = "The topic.")
        String topic;

        @Option(names = "--queues", paramLabel = "N", defaultValue = "8",
                description = "Read and write queues per broker (default: ${DEFAULT-VALUE}).")
        int queues;

        @Option(names = "--read-queues", paramLabel = "N", description = "Read queues per broker (default: --queues).")
        Integer readQueues;

        @Option(names = "--write-queues", paramLabel = "N", description = "Write queues per broker (default: --queues).")
        Integer writeQueues;

        @Option(names = "--perm", paramLabel = "rw|r|w", defaultValue = "rw",
                description = "Permissions: rw, r (consumers only) or w (producers only). Default: ${DEFAULT-VALUE}.")
        String perm;

        @Option(names = "--order", description = "Mark the topic as meant for ordered (per-key, one queue) use.")
        boolean order;

        @Option(names = "--wait-ms", paramLabel = "MS", defaultValue = "10000",
                description = "Wait this long for the NameServers to route the topic; 0 = do not wait (default: ${DEFAULT-VALUE}).")
        long waitMs;

        TopicConfig config() {
            int read = readQueues != null ? readQueues : queues;
            int write = writeQueues != null ? writeQueues : queues;
            try {
                return new TopicConfig(topic, read, write, parsePerm(perm), order);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
            }
        }

        private int parsePerm(String p) {
            return switch (p.toLowerCase(Locale.ROOT)) {
                case "rw", "wr" -> Perm.READ_WRITE;
                case "r" -> Perm.READ;
                case "w" -> Perm.WRITE;
                default -> throw new CommandLine.ParameterException(spec.commandLine(),
                        "--perm must be rw, r or w, was '" + p + "'");
            };
        }

        abstract List<String> write(AdminClient client, TopicConfig config);

        abstract String verb();

        @Override
        void checkOptions() {
            config();
        }

        @Override
        void run(AdminClient client) {
            TopicConfig config = config();
            List<String> brokers = write(client, config);
            if (waitMs > 0) {
                client.awaitRoute(config.topic(), waitMs);
            }
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("topic", config);
            json.put("brokers", brokers);
            print(json, verb() + " topic " + config.topic() + " (" + config.readQueueNums() + " read / "
                    + config.writeQueueNums() + " write queues, perm " + Perm.toString(config.perm())
                    + (config.order() ? ", ordered" : "") + ") on " + String.join(", ", brokers) + "\n");
        }
    }

    @Command(name = "create", mixinStandardHelpOptions = true,
            description = "Creates a topic on every master of a cluster (or on one broker).",
            footer = {"", "Example:", "  tidemq admin topic create --topic orders --queues 16 --cluster DefaultCluster"})
    static final class Create extends TopicWrite {
        @Override
        List<String> write(AdminClient client, TopicConfig config) {
            return client.createTopic(config, target.target());
        }

        @Override
        String verb() {
            return "created";
        }
    }

    @Command(name = "update", mixinStandardHelpOptions = true,
            description = "Changes (or creates) a topic's queue counts, permissions and order flag.",
            footer = {"", "Example:", "  tidemq admin topic update --topic orders --queues 32 --perm r"})
    static final class Update extends TopicWrite {
        @Override
        List<String> write(AdminClient client, TopicConfig config) {
            return client.updateTopic(config, target.target());
        }

        @Override
        String verb() {
            return "updated";
        }
    }

    @Command(name = "delete", mixinStandardHelpOptions = true,
            description = "Deletes a topic from every broker of a cluster (or one broker) that hosts it.",
            footer = {"", "Example:", "  tidemq admin topic delete --topic orders --cluster DefaultCluster"})
    static final class Delete extends AdminSubcommand {
        @Mixin
        TargetOptions target;

        @Option(names = "--topic", paramLabel = "TOPIC", required = true, description = "The topic.")
        String topic;

        @Override
        void run(AdminClient client) {
            List<String> brokers = client.deleteTopic(topic, target.target());
            print(Map.of("topic", topic, "brokers", brokers),
                    "deleted topic " + topic + " on " + String.join(", ", brokers) + "\n");
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "Lists the topics of the brokers, sorted.",
            footer = {"", "Example:", "  tidemq admin topic list --cluster DefaultCluster --system"})
    static final class ListTopics extends AdminSubcommand {
        @Mixin
        TargetOptions target;

        @Option(names = "--system", description = "Include retry, dead-letter and internal topics.")
        boolean system;

        @Override
        void run(AdminClient client) {
            SortedSet<String> topics = client.listTopics(target.target(), system);
            print(topics, AdminFormat.lines(topics));
        }
    }

    @Command(name = "describe", mixinStandardHelpOptions = true,
            description = "Shows a topic's route and, per queue, its min/max offsets and last store time.",
            footer = {"", "Example:", "  tidemq admin topic describe --topic orders"})
    static final class Describe extends AdminSubcommand {
        @Option(names = "--topic", paramLabel = "TOPIC", required = true, description = "The topic.")
        String topic;

        @Override
        void run(AdminClient client) {
            TopicDescription d = client.describeTopic(topic);
            print(d, AdminFormat.topicDescription(d));
        }
    }
}
