package io.tidemq.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code tidemq bench ...}: end-to-end benchmarks. */
@Command(name = "bench", mixinStandardHelpOptions = true, description = "Benchmarks: store, produce, consume.",
        subcommands = {BenchStoreCommand.class, BenchProduceCommand.class, BenchConsumeCommand.class})
public final class BenchCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
