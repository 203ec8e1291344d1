package io.tidemq.cli;

import io.tidemq.client.admin.AdminClient;
import io.tidemq.client.admin.BrokerEntry;
import picocli.CommandLine.Command;

import java.util.List;

/** {@code tidemq admin cluster list}. */
@Command(name = "cluster", mixinStandardHelpOptions = true, description = "Clusters and their brokers.",
        subcommands = {AdminClusterCommand.ListBrokers.class, AdminClusterCommand.BrokerStats.class,
                AdminClusterCommand.Overview.class, AdminClusterCommand.Replicas.class})
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

    @Command(name = "overview", mixinStandardHelpOptions = true,
            description = {"Every broker with the figures it reported with its last registration: role, version, TPS"
                    + " in and out, disk use, store write state, drained. One call to one NameServer."},
            footer = {"", "Example:", "  tidemq admin cluster overview --namesrv 127.0.0.1:9876"})
    static final class Overview extends AdminSubcommand {
        @Override
        void run(AdminClient client) {
            io.tidemq.common.protocol.body.ClusterStats stats = client.clusterStats();
            print(stats, AdminFormat.overview(stats));
        }
    }

    @Command(name = "stats", mixinStandardHelpOptions = true,
            description = "Runtime figures of every broker (or one): messages in and out, store offsets, disk,"
                    + " scheduled (delayed) messages waiting, retries and dead letters.",
            footer = {"", "Example:", "  tidemq admin cluster stats --namesrv 127.0.0.1:9876"})
    static final class BrokerStats extends AdminSubcommand {
        @picocli.CommandLine.Option(names = "--broker", paramLabel = "HOST:PORT",
                description = "Only this broker (default: every broker the NameServers know).")
        String broker;

        @Override
        void run(AdminClient client) {
            java.util.Map<String, java.util.Map<String, String>> byBroker = runtimeInfoByBroker(client, broker);
            print(byBroker, AdminFormat.brokerStats(byBroker));
        }
    }

    @Command(name = "replicas", mixinStandardHelpOptions = true,
            description = {"Every replica of every broker group: replica id, role, master epoch, log end (master) or"
                    + " acknowledged offset (slave), commit point, in sync, lag in bytes and ms, as the master sees"
                    + " them. Slaves do not register with the NameServers: --broker HOST:PORT asks one broker"
                    + " (a slave answers with its own view)."},
            footer = {"", "Example:", "  tidemq admin cluster replicas --namesrv 127.0.0.1:9876"})
    static final class Replicas extends AdminSubcommand {
        @picocli.CommandLine.Option(names = "--broker", paramLabel = "HOST:PORT",
                description = "Only this broker, master or slave (default: every broker the NameServers know).")
        String broker;

        @Override
        void run(AdminClient client) {
            java.util.Map<String, java.util.Map<String, String>> byBroker = runtimeInfoByBroker(client, broker);
            print(byBroker, AdminFormat.replicas(byBroker));
        }
    }

    /** The runtime figures of {@code broker}, or of every broker the NameServers know when it is null. */
    private static java.util.Map<String, java.util.Map<String, String>> runtimeInfoByBroker(AdminClient client,
                                                                                         String broker) {
        java.util.Map<String, java.util.Map<String, String>> byBroker = new java.util.TreeMap<>();
        if (broker != null) {
            byBroker.put(broker, client.brokerRuntimeInfo(broker));
        } else {
            for (BrokerEntry b : client.brokers()) {
                byBroker.put(b.address(), client.brokerRuntimeInfo(b.address()));
            }
        }
        return byBroker;
    }
}
