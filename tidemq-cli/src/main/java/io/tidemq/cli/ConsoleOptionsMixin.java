package io.tidemq.cli;

import io.tidemq.console.ConsoleServer;
import picocli.CommandLine.Option;

import java.io.PrintWriter;

/** The console options {@code standalone} and {@code console} share, and the lines that say how to log in. */
final class ConsoleOptionsMixin {

    @Option(names = "--console-port", paramLabel = "PORT", defaultValue = "8088",
            description = "Port of the web console (default: ${DEFAULT-VALUE}); 0 picks a free one.")
    int consolePort;

    @Option(names = "--insecure-console",
            description = "Turns the console's login off: anyone who reaches its port administers the cluster."
                    + " For demos on a trusted machine only.")
    boolean insecure;

    /** Prints where the console is and how to log in (the password only on the start that created it). */
    static void printLogin(PrintWriter out, ConsoleServer console) {
        out.println("  Console     " + console.url());
        if (console.insecure()) {
            out.println("              login OFF (--insecure-console): anyone reaching this port administers the cluster");
            return;
        }
        console.initialPassword().ifPresentOrElse(
                pw -> {
                    out.println("              log in as admin with password " + pw);
                    out.println("              (printed only this once; only a salted hash is kept in "
                            + console.usersFile().orElseThrow() + ")");
                },
                () -> out.println("              log in as admin with the password printed at the first start (to"
                        + " make a new one, delete " + console.usersFile().orElseThrow() + " and restart)"));
    }
}
