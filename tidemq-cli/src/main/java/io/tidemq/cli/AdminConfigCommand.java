package io.tidemq.cli;

import io.tidemq.broker.config.BrokerConfigKeys;
import io.tidemq.client.RequestFailedException;
import io.tidemq.client.admin.AdminClient;
import io.tidemq.client.admin.AdminTarget;
import io.tidemq.common.config.ConfigKey;
import io.tidemq.common.config.ConfigTable;
import io.tidemq.common.protocol.body.ConfigSnapshot;
import io.tidemq.namesrv.config.NamesrvConfigKeys;
import io.tidemq.store.api.StoreConfigKeys;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** {@code tidemq admin config get|set}: a broker's or a NameServer's configuration, and changing it live. */
@Command(name = "config", mixinStandardHelpOptions = true,
        description = "Shows the configuration brokers and NameServers run with; changes the keys that can change"
                + " without a restart.",
        subcommands = {AdminConfigCommand.Get.class, AdminConfigCommand.SetCommand.class})
public final class AdminConfigCommand extends CommandGroup {

    /** Which servers: one broker, every master of a cluster, or the NameServers of --namesrv. */
    static final class Servers {
        @Option(names = "--broker", paramLabel = "ADDR", required = true, description = "The broker at host:port.")
        String broker;

        @Option(names = "--cluster", paramLabel = "CLUSTER", required = true,
                description = "Every master broker of this cluster.")
        String cluster;

        @Option(names = "--nameserver", required = true,
                description = "The NameServer(s) given by --namesrv (each of them).")
        boolean nameserver;

        /** @throws CommandLine.ParameterException naming --broker when it is not host:port */
        AdminTarget target(CommandLine cl) {
            try {
                return AdminTarget.of(cluster, broker);
            } catch (io.tidemq.client.InvalidArgumentException e) {
                throw new CommandLine.ParameterException(cl, "--broker: " + e.getMessage());
            }
        }

        String role() {
            return nameserver ? "NameServer" : "broker";
        }
    }

    /** Prints each server's snapshot, or the keys asked for. */
    static String render(Map<String, ConfigSnapshot> configs, Set<String> keys) {
        StringBuilder text = new StringBuilder();
        configs.forEach((addr, snapshot) -> {
            if (configs.size() > 1) {
                text.append(snapshot.role()).append(' ').append(addr).append(":\n");
            }
            TextTable t = new TextTable("KEY", "VALUE", "DEFAULT", "UNIT", "CHANGE");
            for (ConfigSnapshot.Entry e : snapshot.entries()) {
                if (keys.isEmpty() || keys.contains(e.key())) {
                    t.row(e.key(), e.value(), e.defaultValue(), e.unit(), e.dynamic() ? "live" : "restart");
                }
            }
            text.append(t.render());
        });
        text.append("CHANGE: 'live' keys change with 'tidemq admin config set' until the server stops; 'restart'"
                + " keys take effect when the server starts with them in its properties file.\n");
        return text.toString();
    }

    @Command(name = "get", mixinStandardHelpOptions = true,
            description = "Shows every configuration key of a broker or NameServer: the value it runs with, the"
                    + " default, and whether it changes live or at a restart.",
            footer = {"", "Examples:", "  tidemq admin config get --broker 10.0.0.5:10911",
                    "  tidemq admin config get --cluster DefaultCluster --key maxPullMessages",
                    "  tidemq admin config get --nameserver"})
    static final class Get extends AdminSubcommand {
        @ArgGroup(exclusive = true, multiplicity = "1")
        Servers servers;

        @Option(names = "--key", paramLabel = "KEY", description = "Only this key (repeatable).")
        List<String> keys = new ArrayList<>();

        @Override
        void checkOptions() {
            servers.target(spec.commandLine());
            for (String key : keys) {
                checkKnown(spec.commandLine(), servers, key, "--key");
            }
        }

        @Override
        void run(AdminClient client) {
            Map<String, ConfigSnapshot> configs = servers.nameserver ? client.namesrvConfig()
                    : client.brokerConfig(servers.target(spec.commandLine()));
            print(configs, render(configs, new LinkedHashSet<>(keys)));
        }
    }

    @Command(name = "set", mixinStandardHelpOptions = true,
            description = {"Changes configuration keys of running brokers, all or none per broker. Only keys"
                    + " 'config get' shows as 'live' change (autoCreateTopic, maxBatchMessages, maxPullMessages,"
                    + " longPollingMaxMs); a change lasts until the broker stops - put it in the properties file to"
                    + " keep it. Any other key is refused and nothing changes: it takes effect at a restart. A"
                    + " running NameServer changes no key."},
            footer = {"", "Examples:", "  tidemq admin config set --broker 10.0.0.5:10911 maxPullMessages=64",
                    "  tidemq admin config set --cluster DefaultCluster autoCreateTopic=false"})
    static final class SetCommand extends AdminSubcommand {
        @ArgGroup(exclusive = true, multiplicity = "1")
        Servers servers;

        @Parameters(paramLabel = "KEY=VALUE", arity = "1..*", description = "The keys to change and their values.")
        List<String> assignments;

        @Override
        void checkOptions() {
            servers.target(spec.commandLine());
            updates(spec.commandLine(), servers, assignments);
        }

        @Override
        void run(AdminClient client) {
            Map<String, String> updates = updates(spec.commandLine(), servers, assignments);
            java.io.PrintWriter err = spec.commandLine().getErr();
            Map<String, ConfigSnapshot> before = servers.nameserver ? client.namesrvConfig()
                    : client.brokerConfig(servers.target(spec.commandLine()));
            err.println("Changing " + updates.keySet() + " on " + before.size() + " " + servers.role()
                    + "(s) ...");
            err.flush();
            Map<String, ConfigSnapshot> after;
            try {
                after = servers.nameserver ? client.updateNamesrvConfig(updates)
                        : client.updateBrokerConfig(servers.target(spec.commandLine()), updates);
            } catch (RequestFailedException e) {
                throw new CommandFailedException(servers.role() + " " + e.address() + " refused the change: "
                        + e.remark(), e);
            }
            StringBuilder text = new StringBuilder();
            Map<String, Map<String, Map<String, String>>> json = new LinkedHashMap<>();
            after.forEach((addr, snapshot) -> {
                Map<String, Map<String, String>> changes = new LinkedHashMap<>();
                for (String key : updates.keySet()) {
                    ConfigSnapshot.Entry old = before.containsKey(addr) ? before.get(addr).entry(key) : null;
                    ConfigSnapshot.Entry now = snapshot.entry(key);
                    String oldValue = old == null ? "" : old.value();
                    String newValue = now == null ? "" : now.value();
                    changes.put(key, Map.of("old", oldValue, "new", newValue));
                    text.append(servers.role()).append(' ').append(addr).append(": ").append(key).append(' ')
                            .append(oldValue).append(" -> ").append(newValue).append('\n');
                }
                json.put(addr, changes);
            });
            text.append("Changed until the server stops; put the keys in its properties file to keep them.\n");
            print(json, text.toString());
        }
    }

    /** The KEY=VALUE arguments as a map; a malformed one, an unknown key or a bad value is a usage error. */
    static Map<String, String> updates(CommandLine cl, Servers servers, List<String> assignments) {
        Map<String, String> updates = new LinkedHashMap<>();
        for (String a : assignments) {
            int eq = a.indexOf('=');
            if (eq <= 0) {
                throw new CommandLine.ParameterException(cl, "'" + a + "' is not KEY=VALUE (e.g. maxPullMessages=64)");
            }
            String key = a.substring(0, eq).trim();
            String value = a.substring(eq + 1).trim();
            ConfigKey<?> k = checkKnown(cl, servers, key, "KEY=VALUE");
            try {
                k.parse(value, IllegalArgumentException::new);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.ParameterException(cl, e.getMessage());
            }
            if (updates.put(key, value) != null) {
                throw new CommandLine.ParameterException(cl, key + " is given twice");
            }
        }
        return updates;
    }

    /** The key of the servers' role named {@code key}; an unknown one is a usage error naming {@code flag}. */
    static ConfigKey<?> checkKnown(CommandLine cl, Servers servers, String key, String flag) {
        List<ConfigTable<?>> tables = servers.nameserver ? List.of(NamesrvConfigKeys.TABLE)
                : List.of(BrokerConfigKeys.TABLE, StoreConfigKeys.TABLE);
        for (ConfigTable<?> table : tables) {
            for (ConfigKey<?> k : table.keys()) {
                if (k.name().equals(key)) {
                    return k;
                }
            }
        }
        throw new CommandLine.ParameterException(cl, flag + ": '" + key + "' is not a " + servers.role()
                + " configuration key; 'tidemq admin config get' lists them (docs/configuration.md)");
    }
}
