package io.tidemq.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.util.Set;

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

    /** Commands that run servers; their INFO logs are the operator's record, kept by default. */
    private static final Set<String> SERVER_COMMANDS = Set.of("standalone", "namesrv", "broker");

    public static void main(String[] args) {
        quietClientLogs(args);
        System.exit(newCommandLine().execute(args));
    }

    /**
     * Client tools (produce, consume, admin, bench) log at WARN unless {@code -Dtidemq.log.level} says
     * otherwise, so their stderr holds what the user asked for, not connection chatter. Must run before the
     * first logger is created (logback.xml reads the property once).
     */
    static void quietClientLogs(String[] args) {
        if (System.getProperty("tidemq.log.level") == null && (args.length == 0 || !SERVER_COMMANDS.contains(args[0]))) {
            System.setProperty("tidemq.log.level", "WARN");
        }
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
