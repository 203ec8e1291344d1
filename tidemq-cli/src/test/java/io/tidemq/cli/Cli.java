package io.tidemq.cli;

import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;

/** Runs the {@code tidemq} command line in-process with captured output. */
final class Cli {

    /** What a run printed and returned. */
    record Result(int exitCode, String out, String err) {
    }

    final CommandLine commandLine = TideMq.newCommandLine();
    /** StringWriter is synchronized, so a command running on another thread may print while a test reads. */
    final StringWriter out = new StringWriter();
    final StringWriter err = new StringWriter();

    Cli() {
        commandLine.setOut(new PrintWriter(out, true));
        commandLine.setErr(new PrintWriter(err, true));
    }

    Result run(String... args) {
        int code = commandLine.execute(args);
        return new Result(code, out.toString(), err.toString());
    }

    static Result exec(String... args) {
        return new Cli().run(args);
    }

    /** The command object picocli built for a subcommand path, e.g. {@code sub("standalone")}. */
    @SuppressWarnings("unchecked")
    <T> T sub(String... path) {
        CommandLine cl = commandLine;
        for (String p : path) {
            cl = cl.getSubcommands().get(p);
        }
        return (T) cl.getCommand();
    }
}
