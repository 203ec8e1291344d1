package io.tidemq.cli;

import picocli.CommandLine.Command;

/** {@code tidemq bench ...}: end-to-end benchmarks. */
@Command(name = "bench", mixinStandardHelpOptions = true, description = "Benchmarks: store, produce, consume.",
        subcommands = {BenchStoreCommand.class, BenchProduceCommand.class, BenchConsumeCommand.class})
public final class BenchCommand extends CommandGroup {
}
