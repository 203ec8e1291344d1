package io.tidemq.cli;

import io.tidemq.client.admin.AdminTarget;
import picocli.CommandLine.Option;

/** Which brokers an admin command addresses: one cluster, one broker, or (neither) all. */
final class TargetOptions {

    @Option(names = "--cluster", paramLabel = "CLUSTER",
            description = "Every master broker of this cluster (default: every cluster; writes need it when there are several).")
    String cluster;

    @Option(names = "--broker", paramLabel = "ADDR", description = "Only the broker at host:port.")
    String broker;

    /** The command these options belong to (for usage errors). */
    @picocli.CommandLine.Spec(picocli.CommandLine.Spec.Target.MIXEE)
    picocli.CommandLine.Model.CommandSpec mixee;

    /** @throws picocli.CommandLine.ParameterException naming --broker when it is not host:port */
    AdminTarget target() {
        try {
            return AdminTarget.of(cluster, broker);
        } catch (io.tidemq.client.InvalidArgumentException e) {
            throw new picocli.CommandLine.ParameterException(mixee.commandLine(), "--broker: " + e.getMessage());
        }
    }
}
