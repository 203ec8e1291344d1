package io.tidemq.cli;

import io.tidemq.client.admin.AdminClient;
import io.tidemq.client.admin.TopicDescription;
import io.tidemq.common.route.Perm;
import io.tidemq.common.route.TopicConfig;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SortedSet;

/** {@code tidemq admin topic create|update|delete|list|describe}. */
@Command(name = "topic", mixinStandardHelpOptions = true, description = "Creates, changes, deletes and shows topics.",
        subcommands = {AdminTopicCommand.Create.class, AdminTopicCommand.Update.class, AdminTopicCommand.Delete.class,
                AdminTopicCommand.ListTopics.class, AdminTopicCommand.Describe.class})
public final class AdminTopicCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** What create and update share: the topic's shape and where it goes. */
    abstract static class TopicWrite implements Runnable {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Mixin
        AdminOptions admin;

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
        public void run() {
            TopicConfig config = config();
            try (AdminClient client = admin.connect()) {
                List<String> brokers = write(client, config);
                if (waitMs > 0) {
                    client.awaitRoute(config.topic(), waitMs);
                }
                Map<String, Object> json = new LinkedHashMap<>();
                json.put("topic", config);
                json.put("brokers", brokers);
                admin.print(spec.commandLine().getOut(), json, verb() + " topic " + config.topic() + " ("
                        + config.readQueueNums() + " read / " + config.writeQueueNums() + " write queues, perm "
                        + Perm.toString(config.perm()) + (config.order() ? ", ordered" : "") + ") on "
                        + String.join(", ", brokers) + "\n");
            }
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
    static final class Delete implements Runnable {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Mixin
        AdminOptions admin;

        @Mixin
        TargetOptions target;

        @Option(names = "--topic", paramLabel = "TOPIC", required = true, description = "The topic.")
        String topic;

        @Override
        public void run() {
            try (AdminClient client = admin.connect()) {
                List<String> brokers = client.deleteTopic(topic, target.target());
                admin.print(spec.commandLine().getOut(), Map.of("topic", topic, "brokers", brokers),
                        "deleted topic " + topic + " on " + String.join(", ", brokers) + "\n");
            }
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "Lists the topics of the brokers, sorted.",
            footer = {"", "Example:", "  tidemq admin topic list --cluster DefaultCluster --system"})
    static final class ListTopics implements Runnable {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Mixin
        AdminOptions admin;

        @Mixin
        TargetOptions target;

        @Option(names = "--system", description = "Include retry, dead-letter and internal topics.")
        boolean system;

        @Override
        public void run() {
            try (AdminClient client = admin.connect()) {
                SortedSet<String> topics = client.listTopics(target.target(), system);
                StringBuilder text = new StringBuilder();
                topics.forEach(t -> text.append(t).append('\n'));
                admin.print(spec.commandLine().getOut(), topics, text.toString());
            }
        }
    }

    @Command(name = "describe", mixinStandardHelpOptions = true,
            description = "Shows a topic's route and, per queue, its min/max offsets and last store time.",
            footer = {"", "Example:", "  tidemq admin topic describe --topic orders"})
    static final class Describe implements Runnable {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Mixin
        AdminOptions admin;

        @Option(names = "--topic", paramLabel = "TOPIC", required = true, description = "The topic.")
        String topic;

        @Override
        public void run() {
            PrintWriter out = spec.commandLine().getOut();
            try (AdminClient client = admin.connect()) {
                TopicDescription d = client.describeTopic(topic);
                admin.print(out, d, AdminFormat.topicDescription(d));
            }
        }
    }
}
