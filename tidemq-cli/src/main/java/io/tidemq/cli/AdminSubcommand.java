package io.tidemq.cli;

import io.tidemq.client.admin.AdminClient;
import picocli.CommandLine;
import picocli.CommandLine.Mixin;

/**
 * A leaf {@code tidemq admin} command: checks its options, connects with {@link AdminOptions}, does its work
 * with the client and prints the result as a table or, with {@code --json}, as JSON.
 */
abstract class AdminSubcommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Mixin
    AdminOptions admin;

    @Override
    public final void run() {
        checkOptions();
        try (AdminClient client = admin.connect()) {
            run(client);
        }
    }

    /** Rejects option values with a {@link CommandLine.ParameterException} before any connection is made. */
    void checkOptions() {
    }

    abstract void run(AdminClient client);

    /** Prints {@code value} as pretty JSON with --json, else {@code text}. */
    void print(Object value, String text) {
        admin.print(spec.commandLine().getOut(), value, text);
    }
}
