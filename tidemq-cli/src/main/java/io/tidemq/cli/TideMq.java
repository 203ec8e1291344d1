package io.tidemq.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code tidemq} command: one entry point for every role and tool. */
@Command(
        name = "tidemq",
        mixinStandardHelpOptions = true,
        versionProvider = TideMq.Version.class,
        description = "TideMQ: a distributed message queue.",
        subcommands = {BenchCommand.class})
public final class TideMq implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    public static void main(String[] args) {
        System.exit(newCommandLine().execute(args));
    }

    /** The configured command line, shared by {@link #main} and the tests. */
    public static CommandLine newCommandLine() {
        return new CommandLine(new TideMq()).setCaseInsensitiveEnumValuesAllowed(true);
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = TideMq.class.getPackage().getImplementationVersion();
            return new String[] {"tidemq " + (v == null ? "dev" : v)};
        }
    }
}
