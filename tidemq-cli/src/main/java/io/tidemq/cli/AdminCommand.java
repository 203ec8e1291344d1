package io.tidemq.cli;

import picocli.CommandLine.Command;

/** {@code tidemq admin ...}: clusters, topics, consumer groups and messages. */
@Command(name = "admin", mixinStandardHelpOptions = true,
        description = "Administers a deployment through its NameServers and brokers.",
        subcommands = {AdminClusterCommand.class, AdminTopicCommand.class, AdminGroupCommand.class,
                AdminMessageCommand.class, AdminDlqCommand.class, AdminBrokerCommand.class, AdminConfigCommand.class,
                AdminControllerCommand.class, AdminElectCommand.class, AdminNamesrvCommand.class})
public final class AdminCommand extends CommandGroup {
}
