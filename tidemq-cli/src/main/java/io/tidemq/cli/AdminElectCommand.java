package io.tidemq.cli;

import io.tidemq.controller.ControllerUnavailableException;
import io.tidemq.controller.state.Reply;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code tidemq admin elect}: an operator's election in one broker group. */
@Command(name = "elect", mixinStandardHelpOptions = true,
        description = {"Forces an election in a broker group: the given replica, or the alive in-sync replica with"
                + " the longest log. With --unclean any alive registered replica may be chosen, even one outside"
                + " the in-sync set: what only the others held is lost. Use it only when no in-sync replica can"
                + " come back."},
        footer = {"", "Examples:", "  tidemq admin elect --controller 10.0.0.1:9880 --group broker-a",
                "  tidemq admin elect --controller 10.0.0.1:9880 --group broker-a --replica 2 --unclean"})
public final class AdminElectCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Mixin
    ControllerOptions controller;

    @Option(names = "--group", required = true, paramLabel = "NAME", description = "The broker group (brokerName).")
    String group;

    @Option(names = "--replica", paramLabel = "ID", defaultValue = "-1",
            description = "The replica to elect (default: the best alive one).")
    int replica;

    @Option(names = "--unclean", description = "Allow a replica outside the in-sync set (may lose acknowledged messages).")
    boolean unclean;

    @Override
    public Integer call() throws ControllerUnavailableException {
        Reply reply = controller.firstAnswer((client, address) -> client.elect(address, group, replica, unclean));
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("outcome", reply.outcome().name());
        json.put("detail", reply.detail());
        if (reply.group() != null) {
            json.put("masterId", reply.group().masterId());
            json.put("masterEpoch", reply.group().masterEpoch());
            json.put("isr", reply.group().isr());
        }
        String text = reply.accepted()
                ? "group " + group + ": replica " + reply.group().masterId() + " is master in epoch "
                        + reply.group().masterEpoch() + ", in-sync " + reply.group().isr() + "\n"
                : "group " + group + ": not elected (" + reply.outcome() + "): " + reply.detail() + "\n";
        controller.print(spec.commandLine().getOut(), json, text);
        return reply.accepted() ? 0 : 1;
    }
}
