package io.tidemq.cli;

import io.tidemq.client.admin.AdminClient;
import io.tidemq.client.admin.ConsumerGroupView;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.SortedSet;

/** {@code tidemq admin group list|describe}. */
@Command(name = "group", mixinStandardHelpOptions = true, description = "Shows consumer groups and their lag.",
        subcommands = {AdminGroupCommand.ListGroups.class, AdminGroupCommand.Describe.class})
public final class AdminGroupCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    @Command(name = "list", mixinStandardHelpOptions = true,
            description = "Lists the consumer groups the brokers know (connected or with committed offsets).",
            footer = {"", "Example:", "  tidemq admin group list"})
    static final class ListGroups implements Runnable {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Mixin
        AdminOptions admin;

        @Mixin
        TargetOptions target;

        @Override
        public void run() {
            try (AdminClient client = admin.connect()) {
                SortedSet<String> groups = client.listGroups(target.target());
                StringBuilder text = new StringBuilder();
                groups.forEach(g -> text.append(g).append('\n'));
                admin.print(spec.commandLine().getOut(), groups, text.toString());
            }
        }
    }

    @Command(name = "describe", mixinStandardHelpOptions = true,
            description = "Shows a group's members, subscriptions and lag per queue.",
            footer = {"", "Example:", "  tidemq admin group describe --group demo-group"})
    static final class Describe implements Runnable {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Mixin
        AdminOptions admin;

        @Mixin
        TargetOptions target;

        @Option(names = "--group", paramLabel = "GROUP", required = true, description = "The consumer group.")
        String group;

        @Override
        public void run() {
            try (AdminClient client = admin.connect()) {
                ConsumerGroupView view = client.describeGroup(group, target.target());
                admin.print(spec.commandLine().getOut(), view, AdminFormat.group(view));
            }
        }
    }
}
