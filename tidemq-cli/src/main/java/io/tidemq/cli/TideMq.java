package io.tidemq.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code tidemq} command: one entry point for every role and tool. */
@Command(
        name = "tidemq",
        mixinStandardHelpOptions = true,
        versionProvider = TideMq.Version.class,
        description = "TideMQ: a distributed message queue.",
        subcommands = {StandaloneCommand.class, NamesrvCommand.class, BrokerCommand.class, ProduceCommand.class,
                ConsumeCommand.class, AdminCommand.class, BenchCommand.class, CommandLine.HelpCommand.class})
public final class TideMq implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    public static void main(String[] args) {
        System.exit(newCommandLine().execute(args));
    }

    /**
     * The configured command line, shared by {@link #main} and the tests: enum values case-insensitive,
     * usage errors exit 2 with the message and a hint, failures exit 1 with the failure's message.
     */
    public static CommandLine newCommandLine() {
        CommandLine cl = new CommandLine(new TideMq()).setCaseInsensitiveEnumValuesAllowed(true);
        cl.setExecutionExceptionHandler(new CliErrors());
        cl.setParameterExceptionHandler(new CliErrors.UsageErrors());
        return cl;
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = TideMq.class.getPackage().getImplementationVersion();
            return new String[] {"tidemq " + (v == null ? "dev" : v)};
        }
    }
}
