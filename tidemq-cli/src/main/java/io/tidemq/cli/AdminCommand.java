package io.tidemq.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code tidemq admin ...}: clusters, topics, consumer groups and messages. */
@Command(name = "admin", mixinStandardHelpOptions = true,
        description = "Administers a deployment through its NameServers and brokers.",
        subcommands = {AdminClusterCommand.class, AdminTopicCommand.class, AdminGroupCommand.class,
                AdminMessageCommand.class, AdminDlqCommand.class})
public final class AdminCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
