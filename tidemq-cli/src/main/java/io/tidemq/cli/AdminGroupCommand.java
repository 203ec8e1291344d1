package io.tidemq.cli;

import io.tidemq.client.admin.AdminClient;
import io.tidemq.client.admin.ConsumerGroupView;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.SortedSet;

/** {@code tidemq admin group list|describe}. */
@Command(name = "group", mixinStandardHelpOptions = true, description = "Shows consumer groups and their lag.",
        subcommands = {AdminGroupCommand.ListGroups.class, AdminGroupCommand.Describe.class})
public final class AdminGroupCommand extends CommandGroup {

    @Command(name = "list", mixinStandardHelpOptions = true,
            description = "Lists the consumer groups the brokers know (connected or with committed offsets).",
            footer = {"", "Example:", "  tidemq admin group list"})
    static final class ListGroups extends AdminSubcommand {
        @Mixin
        TargetOptions target;

        @Override
        void run(AdminClient client) {
            SortedSet<String> groups = client.listGroups(target.target());
            print(groups, AdminFormat.lines(groups));
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
}
