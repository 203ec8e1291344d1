package io.tidemq.cli;

import io.tidemq.client.admin.AdminClient;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

import java.util.LinkedHashMap;
import java.util.Map;

/** {@code tidemq admin broker drain|undrain}: take a broker out of the producers' routes for a rolling restart. */
@Command(name = "broker", mixinStandardHelpOptions = true,
        description = "Drains and undrains brokers (rolling restarts).",
        subcommands = {AdminBrokerCommand.Drain.class, AdminBrokerCommand.Undrain.class})
public final class AdminBrokerCommand extends CommandGroup {

    /** What drain and undrain share: one broker (or one cluster) must be named. */
    abstract static class DrainSwitch extends AdminSubcommand {
        @Mixin
        TargetOptions target;

        abstract boolean drained();

        @Override
        void checkOptions() {
            if (target.broker == null && target.cluster == null) {
                throw new CommandLine.ParameterException(spec.commandLine(), "name the broker with --broker HOST:PORT"
                        + " (or every master of a cluster with --cluster NAME)");
            }
        }

        @Override
        void run(AdminClient client) {
            Map<String, Boolean> changed = client.setDrained(target.target(), drained());
            StringBuilder text = new StringBuilder();
            changed.forEach((addr, c) -> text.append(addr).append(": ").append(c ? (drained() ? "drained" : "undrained")
                    : (drained() ? "was already drained" : "was not drained")).append('\n'));
            text.append(drained()
                    ? "Producers send elsewhere from their next route refresh (30 s by default); consumers keep"
                    + " reading. Undrain with 'tidemq admin broker undrain', or restart the broker.\n"
                    : "Producers route to it again from their next route refresh.\n");
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("drained", drained());
            json.put("changed", changed);
            print(json, text.toString());
        }
    }

    @Command(name = "drain", mixinStandardHelpOptions = true,
            description = {"Stops routing new messages to a broker: it re-registers its topics read-only, so producers"
                    + " move to the other brokers while consumers drain what it holds. Sends that still arrive are"
                    + " stored. A restarted broker is writable again."},
            footer = {"", "Example:", "  tidemq admin broker drain --broker 10.0.0.5:10911"})
    static final class Drain extends DrainSwitch {
        @Override
        boolean drained() {
            return true;
        }
    }

    @Command(name = "undrain", mixinStandardHelpOptions = true,
            description = "Routes new messages to a drained broker again.",
            footer = {"", "Example:", "  tidemq admin broker undrain --broker 10.0.0.5:10911"})
    static final class Undrain extends DrainSwitch {
        @Override
        boolean drained() {
            return false;
        }
    }
}
