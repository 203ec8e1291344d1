package io.tidemq.cli;

import io.tidemq.controller.ControllerUnavailableException;
import io.tidemq.controller.client.ControllerServiceClient;
import io.tidemq.controller.state.GroupState;
import io.tidemq.controller.state.ReplicaInfo;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code tidemq admin controller}: the controller quorum, its leader and every group's master and in-sync set. */
@Command(name = "controller", mixinStandardHelpOptions = true,
        description = "Shows the failover controller: its peers, the leader, and per broker group the master, its"
                + " epoch, the in-sync replicas and every registered replica.",
        footer = {"", "Example:", "  tidemq admin controller --controller 10.0.0.1:9880,10.0.0.2:9880"})
public final class AdminControllerCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Mixin
    ControllerOptions controller;

    @Override
    public Integer call() throws ControllerUnavailableException {
        ControllerServiceClient.StateView view = controller.firstAnswer(ControllerServiceClient::state);
        StringBuilder text = new StringBuilder();
        text.append("peers: ").append(view.peers()).append('\n');
        text.append("leader: ").append(view.leaderId().isEmpty() ? "(none known)" : view.leaderId())
                .append("   answered by: ").append(view.controllerId()).append('\n');
        TextTable table = new TextTable("group", "master", "masterEpoch", "inSync", "isrEpoch", "replica", "broker",
                "ha", "storeUuid", "incarnation", "priority");
        List<Map<String, Object>> groups = new ArrayList<>();
        for (GroupState g : view.state().groups().values()) {
            for (ReplicaInfo r : g.replicas().values()) {
                table.row(g.group(), g.hasMaster() ? Integer.toString(g.masterId()) : "-",
                        Integer.toString(g.masterEpoch()), g.isr().toString(), Integer.toString(g.isrEpoch()),
                        Integer.toString(r.replicaId()), r.brokerAddr(), r.haAddr(), r.storeUuid(),
                        Long.toString(r.incarnation()), Integer.toString(r.priority()));
            }
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("group", g.group());
            json.put("masterId", g.masterId());
            json.put("masterEpoch", g.masterEpoch());
            json.put("isr", g.isr());
            json.put("isrEpoch", g.isrEpoch());
            json.put("replicas", g.replicas().values());
            groups.add(json);
        }
        text.append(groups.isEmpty() ? "no broker group registered\n" : table.render());
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("peers", view.peers());
        json.put("leaderId", view.leaderId());
        json.put("answeredBy", view.controllerId());
        json.put("groups", groups);
        controller.print(spec.commandLine().getOut(), json, text.toString());
        return 0;
    }
}
