package io.tidemq.cli;

import io.tidemq.client.admin.AdminClient;
import io.tidemq.client.admin.BrokerEntry;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

import java.util.List;

/** {@code tidemq admin cluster list}. */
@Command(name = "cluster", mixinStandardHelpOptions = true, description = "Clusters and their brokers.",
        subcommands = AdminClusterCommand.ListBrokers.class)
public final class AdminClusterCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    @Command(name = "list", mixinStandardHelpOptions = true,
            description = "Every broker the NameServers know: cluster, broker name, id, role, address, last registration.",
            footer = {"", "Example:", "  tidemq admin cluster list --namesrv 127.0.0.1:9876"})
    static final class ListBrokers implements Runnable {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Mixin
        AdminOptions admin;

        @Override
        public void run() {
            try (AdminClient client = admin.connect()) {
                List<BrokerEntry> brokers = client.brokers();
                admin.print(spec.commandLine().getOut(), brokers,
                        AdminFormat.clusters(brokers, System.currentTimeMillis()));
            }
        }
    }
}
