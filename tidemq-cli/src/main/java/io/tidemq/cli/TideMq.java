package io.tidemq.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.Properties;
import java.util.Set;

/** The {@code tidemq} command: one entry point for every role and tool. */
@Command(
        name = "tidemq",
        mixinStandardHelpOptions = true,
        versionProvider = TideMq.Version.class,
        description = "TideMQ: a distributed message queue.",
        subcommands = {StandaloneCommand.class, NamesrvCommand.class, ControllerCommand.class, BrokerCommand.class, ConsoleCommand.class, ProduceCommand.class,
                ConsumeCommand.class, AdminCommand.class, BenchCommand.class, CommandLine.HelpCommand.class})
public final class TideMq implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** Commands that run servers; their INFO logs are the operator's record, kept by default. */
    private static final Set<String> SERVER_COMMANDS = Set.of("standalone", "namesrv", "broker", "console");

    public static void main(String[] args) {
        quietClientLogs(args);
        System.exit(newCommandLine().execute(args));
    }

    /**
     * Client tools (produce, consume, admin, bench) log at WARN unless {@code -Dtidemq.log.level} says
     * otherwise, so their stderr holds what the user asked for, not connection chatter. Must run before the
     * first logger is created ({@link LogConfigurator} reads the property once).
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

    /**
     * {@code tidemq <version> (commit <id>)}: the version the build wrote into {@code version.properties}, and
     * the commit of the git checkout the distribution runs from ({@code -Dtidemq.home}, set by bin/tidemq, or
     * the jar's location), read from {@code .git} at run time.
     */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"tidemq " + version() + " (" + commit() + ")"};
        }

        static String version() {
            Properties p = new Properties();
            try (InputStream in = TideMq.class.getResourceAsStream("version.properties")) {
                if (in != null) {
                    p.load(in);
                }
            } catch (IOException e) {
                // reported as unknown below
            }
            String v = p.getProperty("version");
            return v == null || v.isBlank() || v.startsWith("${") ? "(unknown version: not built by Maven)" : v;
        }

        static String commit() {
            String home = System.getProperty("tidemq.home");
            Path start;
            if (home != null) {
                start = Path.of(home);
            } else {
                try {
                    start = Path.of(TideMq.class.getProtectionDomain().getCodeSource().getLocation().toURI());
                } catch (URISyntaxException | RuntimeException e) {
                    return "commit unknown";
                }
            }
            return GitCommit.of(start).map(c -> "commit " + c).orElse("commit unknown: not run from a git checkout");
        }
    }
}
