package io.tidemq.cli;

import io.tidemq.client.admin.AdminClient;
import io.tidemq.client.admin.BrokerEntry;
import picocli.CommandLine.Command;

import java.util.List;

/** {@code tidemq admin cluster list}. */
@Command(name = "cluster", mixinStandardHelpOptions = true, description = "Clusters and their brokers.",
        subcommands = AdminClusterCommand.ListBrokers.class)
public final class AdminClusterCommand extends CommandGroup {

    @Command(name = "list", mixinStandardHelpOptions = true,
            description = "Every broker the NameServers know: cluster, broker name, id, role, address, last registration.",
            footer = {"", "Example:", "  tidemq admin cluster list --namesrv 127.0.0.1:9876"})
    static final class ListBrokers extends AdminSubcommand {
        @Override
        void run(AdminClient client) {
            List<BrokerEntry> brokers = client.brokers();
            print(brokers, AdminFormat.clusters(brokers, System.currentTimeMillis()));
        }
    }
}
