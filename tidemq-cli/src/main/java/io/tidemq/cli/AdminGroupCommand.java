package io.tidemq.cli;

import io.tidemq.client.admin.AdminClient;
import io.tidemq.client.admin.ConsumerGroupView;
import io.tidemq.client.admin.GroupOnlineException;
import io.tidemq.client.admin.OffsetResetPlan;
import io.tidemq.common.protocol.body.QueueLag;
import io.tidemq.common.protocol.body.SubscriptionGroupConfig;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeMap;

/** {@code tidemq admin group list|describe|create|update|reset-offsets|clone-offsets|delete}. */
@Command(name = "group", mixinStandardHelpOptions = true,
        description = "Shows consumer groups and their lag; configures them; resets, copies and deletes their offsets.",
        subcommands = {AdminGroupCommand.ListGroups.class, AdminGroupCommand.Describe.class,
                AdminGroupCommand.Create.class, AdminGroupCommand.Update.class,
                AdminGroupCommand.ResetOffsets.class, AdminGroupCommand.CloneOffsets.class, AdminGroupCommand.Delete.class})
public final class AdminGroupCommand extends CommandGroup {

    @Command(name = "list", mixinStandardHelpOptions = true,
            description = {"Lists the consumer groups the brokers know (connected, with committed offsets, or"
                    + " configured) with their configuration; '-' where a group has none (its consumers' settings"
                    + " apply)."},
            footer = {"", "Example:", "  tidemq admin group list"})
    static final class ListGroups extends AdminSubcommand {
        @Mixin
        TargetOptions target;

        @Override
        void run(AdminClient client) {
            SortedSet<String> groups = client.listGroups(target.target());
            Map<String, SubscriptionGroupConfig> configs = new TreeMap<>();
            client.groupConfigs(target.target()).values()
                    .forEach(list -> list.forEach(c -> configs.putIfAbsent(c.groupName(), c)));
            groups.addAll(configs.keySet());
            List<Map<String, Object>> json = new ArrayList<>();
            TextTable t = new TextTable("GROUP", "CONSUME", "RETRY MAX", "NEW QUEUES FROM");
            for (String g : groups) {
                SubscriptionGroupConfig c = configs.get(g);
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("group", g);
                row.put("config", c);
                json.add(row);
                if (c == null) {
                    t.row(g, "-", "-", "-");
                } else {
                    t.row(g, c.consumeEnable() ? "enabled" : "DISABLED", c.retryMaxTimes(),
                            c.consumeFromWhere() == null ? "consumer's" : c.consumeFromWhere());
                }
            }
            print(json, groups.isEmpty() ? "No consumer group.\n" : t.render());
        }
    }

    /** The options of {@code group create} and {@code group update}; null = not given. */
    static final class GroupConfigOptions {
        @Option(names = "--consume-enable", paramLabel = "true|false", arity = "1",
                description = "false: the brokers refuse the group's pulls until it is true again (create: true).")
        Boolean consumeEnable;

        @Option(names = "--retry-max-times", paramLabel = "N",
                description = "Failures before a message goes to %%DLQ%%<group>, 0-" + SubscriptionGroupConfig.MAX_RETRY_TIMES
                        + "; overrides the consumers' maxReconsumeTimes (create: "
                        + SubscriptionGroupConfig.DEFAULT_RETRY_TIMES + ").")
        Integer retryMaxTimes;

        @Option(names = "--consume-from", paramLabel = "first|last|consumer",
                description = "Where a queue the group never committed on starts: first (the oldest message kept) or"
                        + " last (the end), over the consumers' consumeFromWhere; consumer: theirs decides (create:"
                        + " consumer).")
        String consumeFrom;

        /** @throws picocli.CommandLine.ParameterException naming the flag of a bad value */
        void check(picocli.CommandLine cmd, String group) {
            try {
                io.tidemq.common.names.NameValidator.checkGroup(group);
            } catch (io.tidemq.common.names.InvalidNameException e) {
                throw new picocli.CommandLine.ParameterException(cmd, "--group: " + e.getMessage());
            }
            if (retryMaxTimes != null && (retryMaxTimes < 0 || retryMaxTimes > SubscriptionGroupConfig.MAX_RETRY_TIMES)) {
                throw new picocli.CommandLine.ParameterException(cmd, "--retry-max-times must be in [0, "
                        + SubscriptionGroupConfig.MAX_RETRY_TIMES + "], was " + retryMaxTimes);
            }
            if (consumeFrom != null) {
                try {
                    SubscriptionGroupConfig.startPosition(consumeFrom);
                } catch (IllegalArgumentException e) {
                    throw new picocli.CommandLine.ParameterException(cmd, "--consume-from must be first, last or"
                            + " consumer, was '" + consumeFrom + "'");
                }
            }
        }

        /** {@code base} with the given options applied. */
        SubscriptionGroupConfig apply(SubscriptionGroupConfig base) {
            return new SubscriptionGroupConfig(base.groupName(),
                    consumeEnable != null ? consumeEnable : base.consumeEnable(),
                    retryMaxTimes != null ? retryMaxTimes : base.retryMaxTimes(),
                    consumeFrom != null ? SubscriptionGroupConfig.startPosition(consumeFrom) : base.consumeFromWhere());
        }
    }

    @Command(name = "create", mixinStandardHelpOptions = true,
            description = {"Gives a consumer group a configuration on every master broker of the target: whether it may"
                    + " consume, how often a message may fail before it is dead-lettered, and where queues it never"
                    + " committed on start. Stored in each broker's subscriptionGroups.json; not replicated to slaves."
                    + " Refused when the group already has one (use update)."},
            footer = {"", "Example:", "  tidemq admin group create --group billing --retry-max-times 3 --consume-from first"})
    static final class Create extends AdminSubcommand {
        @Mixin
        TargetOptions target;

        @Option(names = "--group", paramLabel = "GROUP", required = true, description = "The consumer group.")
        String group;

        @Mixin
        GroupConfigOptions options;

        @Override
        void checkOptions() {
            options.check(spec.commandLine(), group);
        }

        @Override
        void run(AdminClient client) {
            SubscriptionGroupConfig config = options.apply(SubscriptionGroupConfig.defaults(group));
            Map<String, SubscriptionGroupConfig> stored = client.writeGroupConfig(config, true, target.target());
            print(stored, "Created the configuration of group " + group + " on " + String.join(", ", stored.keySet())
                    + ": " + AdminFormat.groupConfig(config) + "\n");
        }
    }

    @Command(name = "update", mixinStandardHelpOptions = true,
            description = {"Changes the given fields of a consumer group's configuration on every master broker of the"
                    + " target; the others keep their value. Refused when the group has none (use create)."},
            footer = {"", "Examples:", "  tidemq admin group update --group billing --consume-enable false",
                    "  tidemq admin group update --group billing --retry-max-times 5"})
    static final class Update extends AdminSubcommand {
        @Mixin
        TargetOptions target;

        @Option(names = "--group", paramLabel = "GROUP", required = true, description = "The consumer group.")
        String group;

        @Mixin
        GroupConfigOptions options;

        @Override
        void checkOptions() {
            options.check(spec.commandLine(), group);
            if (options.consumeEnable == null && options.retryMaxTimes == null && options.consumeFrom == null) {
                throw new picocli.CommandLine.ParameterException(spec.commandLine(), "give at least one of"
                        + " --consume-enable, --retry-max-times, --consume-from");
            }
        }

        @Override
        void run(AdminClient client) {
            SubscriptionGroupConfig current = null;
            for (List<SubscriptionGroupConfig> list : client.groupConfigs(target.target()).values()) {
                for (SubscriptionGroupConfig c : list) {
                    if (c.groupName().equals(group) && current == null) {
                        current = c;
                    }
                }
            }
            if (current == null) {
                throw new CommandFailedException("consumer group " + group + " has no configuration on these brokers;"
                        + " create it with 'tidemq admin group create --group " + group + "'", null);
            }
            SubscriptionGroupConfig config = options.apply(current);
            Map<String, SubscriptionGroupConfig> stored = client.writeGroupConfig(config, false, target.target());
            print(stored, "Updated the configuration of group " + group + " on " + String.join(", ", stored.keySet())
                    + ": " + AdminFormat.groupConfig(config) + "\n");
        }
    }

    @Command(name = "describe", mixinStandardHelpOptions = true,
            description = "Shows a group's members, subscriptions and lag per queue.",
            footer = {"", "Example:", "  tidemq admin group describe --group demo-group"})
    static final class Describe extends AdminSubcommand {
        @Mixin
        TargetOptions target;

        @Option(names = "--group", paramLabel = "GROUP", required = true, description = "The consumer group.")
        String group;

        @Override
        void run(AdminClient client) {
            ConsumerGroupView view = client.describeGroup(group, target.target());
            print(view, AdminFormat.group(view));
        }
    }

    @Command(name = "reset-offsets", mixinStandardHelpOptions = true,
            description = {"Moves a consumer group's offsets on every queue of a topic. Without --execute it only"
                    + " prints what it would do: old -> new offset per queue and the messages the move covers"
                    + " (positive: consumed again, negative: skipped). --execute applies it; it is refused while the"
                    + " group has members online, unless --force (they would commit their own offsets over it)."},
            footer = {"", "Examples:", "  tidemq admin group reset-offsets --group billing --topic orders --to-earliest",
                    "  tidemq admin group reset-offsets --group billing --topic orders --by-duration 2h --execute",
                    "  tidemq admin group reset-offsets --group billing --topic orders --to-latest --export plan.csv",
                    "  tidemq admin group reset-offsets --group billing --topic orders --from-file plan.csv --execute"})
    static final class ResetOffsets extends AdminSubcommand {
        @Option(names = "--group", paramLabel = "GROUP", required = true, description = "The consumer group.")
        String group;

        @Option(names = "--topic", paramLabel = "TOPIC", required = true, description = "The topic whose queues move.")
        String topic;

        @ArgGroup(exclusive = true, multiplicity = "1")
        OffsetResetOptions to;

        @Option(names = "--execute", description = "Apply the reset (default: dry run, nothing changes).")
        boolean execute;

        @Option(names = "--force", description = "With --execute: apply even while members of the group are online.")
        boolean force;

        @Option(names = "--export", paramLabel = "FILE",
                description = "Also write the new offsets as 'topic,broker,queue,offset' lines, for --from-file.")
        Path export;

        @Override
        void checkOptions() {
            if (force && !execute) {
                throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--force only applies with --execute");
            }
            to.spec(spec.commandLine(), topic);
        }

        @Override
        void run(AdminClient client) {
            java.io.PrintWriter err = spec.commandLine().getErr();
            err.println((execute ? "Resetting" : "Planning the reset of") + " the offsets of group " + group
                    + " on topic " + topic + " ...");
            err.flush();
            OffsetResetPlan plan;
            try {
                StderrProgress progress = new StderrProgress(err, "reset-offsets", "queue(s)");
                plan = execute ? client.resetOffsets(group, topic, to.spec(spec.commandLine(), topic), force, progress)
                        : client.planOffsetReset(group, topic, to.spec(spec.commandLine(), topic), progress);
            } catch (GroupOnlineException e) {
                throw new CommandFailedException("group " + group + " has " + e.members().size() + " member(s) online "
                        + e.members() + ": nothing was changed. Stop its consumers and run again, or add --force"
                        + " (the members may commit their own offsets over the reset)", e);
            }
            if (export != null) {
                writeExport(plan);
                err.println("Wrote the new offsets to " + export);
            }
            if (!execute && !plan.onlineMembers().isEmpty()) {
                err.println("warning: group " + group + " has members online " + plan.onlineMembers()
                        + "; --execute will be refused unless you add --force");
            }
            err.flush();
            print(plan, AdminFormat.resetPlan(plan));
        }

        private void writeExport(OffsetResetPlan plan) {
            StringBuilder csv = new StringBuilder("topic,broker,queue,offset\n");
            for (OffsetResetPlan.Row r : plan.rows()) {
                csv.append(plan.topic()).append(',').append(r.brokerName()).append(',').append(r.queueId()).append(',')
                        .append(r.newOffset()).append('\n');
            }
            try {
                Files.writeString(export, csv, StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new CommandFailedException("--export " + export + " could not be written: " + e.getMessage(), e);
            }
        }
    }

    @Command(name = "clone-offsets", mixinStandardHelpOptions = true,
            description = {"Copies every committed offset of one group to another, so the second starts where the"
                    + " first is. Refused while the target group has members online, unless --force."},
            footer = {"", "Example:", "  tidemq admin group clone-offsets --from billing --to billing-v2"})
    static final class CloneOffsets extends AdminSubcommand {
        @Option(names = "--from", paramLabel = "GROUP", required = true, description = "The group to copy from.")
        String from;

        @Option(names = "--to", paramLabel = "GROUP", required = true, description = "The group to copy to.")
        String to;

        @Option(names = "--force", description = "Copy even while members of the target group are online.")
        boolean force;

        @Override
        void checkOptions() {
            if (from.equals(to)) {
                throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--from and --to are both " + from
                        + "; name two groups");
            }
        }

        @Override
        void run(AdminClient client) {
            Map<String, List<QueueLag>> copied;
            try {
                copied = client.cloneOffsets(from, to, force);
            } catch (GroupOnlineException e) {
                throw new CommandFailedException("group " + to + " (--to) has " + e.members().size()
                        + " member(s) online " + e.members() + ": nothing was copied. Stop its consumers, or add --force",
                        e);
            }
            TextTable t = new TextTable("BROKER", "TOPIC", "QUEUE", "OFFSET");
            Map<String, Object> json = new LinkedHashMap<>();
            copied.forEach((addr, queues) -> queues.forEach(q -> t.row(addr, q.topic(), q.queueId(), q.consumerOffset())));
            json.put("from", from);
            json.put("to", to);
            json.put("offsets", copied);
            print(json, "Copied " + t.size() + " offset(s) of group " + from + " to group " + to + ":\n" + t.render());
        }
    }

    @Command(name = "delete", mixinStandardHelpOptions = true,
            description = {"Forgets a consumer group's committed offsets and configuration on every broker (its retry"
                    + " topic goes too once empty); the group starts from its consumeFromWhere position next time. Refused while members"
                    + " are online, unless --force."},
            footer = {"", "Example:", "  tidemq admin group delete --group old-billing"})
    static final class Delete extends AdminSubcommand {
        @Mixin
        TargetOptions target;

        @Option(names = "--group", paramLabel = "GROUP", required = true, description = "The consumer group.")
        String group;

        @Option(names = "--force", description = "Delete even while members are online (they commit their offsets again).")
        boolean force;

        @Override
        void run(AdminClient client) {
            List<String> brokers;
            try {
                brokers = client.deleteGroup(group, target.target(), force);
            } catch (GroupOnlineException e) {
                throw new CommandFailedException("group " + group + " has " + e.members().size() + " member(s) online "
                        + e.members() + ": nothing was deleted. Stop its consumers, or add --force", e);
            }
            print(Map.of("group", group, "brokers", brokers),
                    "Deleted the offsets of group " + group + " on " + String.join(", ", brokers) + "\n");
        }
    }
}
