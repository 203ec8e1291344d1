package io.tidemq.cli;

import picocli.CommandLine;

import java.io.PrintWriter;
import java.util.concurrent.Callable;

/**
 * What the commands that run servers until SIGTERM / Ctrl-C share: the {@link ServerLifecycle} that the
 * shutdown hook and {@link #stop()} reach.
 */
abstract class ServerCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** Written by the command thread before any server starts; read by stop() from any thread. */
    private volatile ServerLifecycle lifecycle;

    /** A lifecycle for servers called {@code name}, with its shutdown hook installed: call before starting any. */
    ServerLifecycle newLifecycle(String name, PrintWriter out) {
        ServerLifecycle lc = new ServerLifecycle(name, out);
        lifecycle = lc;
        lc.installHook();
        return lc;
    }

    /** Shuts the servers down as SIGTERM would; returns once they are down. No-op before they started. */
    void stop() {
        ServerLifecycle lc = lifecycle;
        if (lc != null) {
            lc.stop();
        }
    }
}
