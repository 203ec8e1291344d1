package io.tidemq.cli;

import io.tidemq.common.json.Json;
import io.tidemq.common.protocol.RequestCode;
import io.tidemq.common.protocol.ResponseCode;
import io.tidemq.namesrv.config.ReplicationMode;
import io.tidemq.namesrv.replication.ReplicationStatus;
import io.tidemq.remoting.netty.NettyClientConfig;
import io.tidemq.remoting.netty.NettyRemotingClient;
import io.tidemq.remoting.protocol.RemotingCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code tidemq admin namesrv}: each NameServer's replication role, mode, epoch, last applied operation and lag;
 * {@code tidemq admin namesrv promote}: make another NameServer the primary (or repair a chain) with a higher epoch.
 */
@Command(name = "namesrv", mixinStandardHelpOptions = true,
        description = {"Shows NameServer replication (docs/namesrv.md, \"Replication\"): per NameServer its role,"
                + " mode, epoch, last applied operation, and its lag as the primary sees it."},
        subcommands = {AdminNamesrvCommand.Promote.class},
        footer = {"", "Examples:", "  tidemq admin namesrv --namesrv 10.0.0.1:9876,10.0.0.2:9876,10.0.0.3:9876",
                "  tidemq admin namesrv promote --namesrv 10.0.0.1:9876,10.0.0.2:9876,10.0.0.3:9876"
                        + " --primary 10.0.0.2:9876 --peers 10.0.0.2:9876,10.0.0.3:9876"})
public final class AdminNamesrvCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    // not required by picocli: that would also require it before the promote subcommand; call() checks it
    @Option(names = "--namesrv", paramLabel = "HOST:PORT[,HOST:PORT...]",
            description = "Every NameServer to ask (required).")
    String namesrvs;

    @Option(names = "--timeout-ms", paramLabel = "MS", defaultValue = "5000",
            description = "Per-request timeout (default: ${DEFAULT-VALUE}).")
    long timeoutMs;

    @Option(names = "--json", description = "Print machine-readable JSON instead of a table.")
    boolean json;

    /** One NameServer's answer, or why there is none. */
    record Answer(String addr, ReplicationStatus status, String error) {
    }

    static List<String> addresses(String text) {
        List<String> list = new ArrayList<>();
        for (String a : text.split(",")) {
            if (!a.isBlank()) {
                list.add(a.trim());
            }
        }
        return list;
    }

    static List<Answer> ask(NettyRemotingClient client, List<String> addrs, long timeoutMs) {
        List<Answer> answers = new ArrayList<>();
        for (String addr : addrs) {
            try {
                RemotingCommand r = client.invokeSync(addr, RemotingCommand.createRequest(RequestCode.NS_REPL_STATUS),
                        timeoutMs);
                answers.add(r.code() == ResponseCode.SUCCESS.code()
                        ? new Answer(addr, Json.fromBytes(r.body(), ReplicationStatus.class), null)
                        : new Answer(addr, null, ResponseCode.describe(r.code()) + " " + r.remark()));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                answers.add(new Answer(addr, null, "interrupted"));
                break;
            } catch (Exception e) {
                answers.add(new Answer(addr, null, e.getMessage()));
            }
        }
        return answers;
    }

    @Override
    public Integer call() {
        if (namesrvs == null || namesrvs.isBlank()) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "Missing required option: '--namesrv=HOST:PORT[,HOST:PORT...]'");
        }
        NettyRemotingClient client = new NettyRemotingClient(NettyClientConfig.builder().build());
        client.start();
        try {
            List<Answer> answers = ask(client, addresses(namesrvs), timeoutMs);
            Map<String, ReplicationStatus.Downstream> seenByPrimary = new LinkedHashMap<>();
            for (Answer a : answers) {
                if (a.status() != null && "PRIMARY".equals(a.status().role())) {
                    a.status().downstream().forEach(d -> seenByPrimary.put(d.addr(), d));
                }
            }
            TextTable table = new TextTable("nameserver", "role", "mode", "epoch", "primary", "lastSeq", "lagOps",
                    "lagMs", "inSyncSet", "note");
            List<Map<String, Object>> rows = new ArrayList<>();
            for (Answer a : answers) {
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("nameserver", a.addr());
                if (a.status() == null) {
                    table.row(a.addr(), "UNREACHABLE", "-", "-", "-", "-", "-", "-", "-", a.error());
                    row.put("role", "UNREACHABLE");
                    row.put("error", a.error());
                } else {
                    ReplicationStatus s = a.status();
                    ReplicationStatus.Downstream d = seenByPrimary.get(a.addr());
                    String lagOps = "PRIMARY".equals(s.role()) ? "0" : d == null ? "?" : Long.toString(d.lagOps());
                    String lagMs = "PRIMARY".equals(s.role()) ? "0" : d == null ? "?"
                            : d.lagMs() == Long.MAX_VALUE ? "unknown" : Long.toString(d.lagMs());
                    String inSync = d == null || s.mode() != ReplicationMode.SYNC ? "-" : Boolean.toString(d.inSyncSet());
                    String note = d != null && d.lastError() != null ? d.lastError()
                            : s.ackTimeouts() > 0 ? s.ackTimeouts() + " ack timeouts" : "";
                    table.row(a.addr(), s.role(), s.mode().name(), Long.toString(s.epoch()), s.primary(),
                            Long.toString(s.lastSeq()), lagOps, lagMs, inSync, note);
                    row.put("status", s);
                    if (d != null) {
                        row.put("seenByPrimary", d);
                    }
                }
                rows.add(row);
            }
            PrintWriter out = spec.commandLine().getOut();
            out.print(json ? Json.toPrettyString(rows) + System.lineSeparator() : table.render());
            out.flush();
            return answers.stream().anyMatch(a -> a.status() != null) ? 0 : 1;
        } finally {
            client.shutdown();
        }
    }

    /** {@code tidemq admin namesrv promote}: a new primary and peer list (chain order) under a higher epoch. */
    @Command(name = "promote", mixinStandardHelpOptions = true,
            description = {"Makes --primary the primary NameServer and --peers the NameServers that replicate (in"
                    + " CHAIN mode the chain order, the primary first), under an epoch above every reachable"
                    + " NameServer's. Use it after the primary died (promote a backup: it restarts every broker's"
                    + " liveness timer, so nobody is evicted for the promotion) or to repair a chain (leave the dead"
                    + " node out of --peers: its predecessor re-sends what its new successor lacks).",
                    "Promote the backup with the highest lastSeq (see tidemq admin namesrv): in ASYNC mode another"
                            + " may hold registrations it lacks."})
    static final class Promote implements Callable<Integer> {

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Option(names = "--namesrv", paramLabel = "HOST:PORT[,HOST:PORT...]", required = true,
                description = "Every NameServer to tell (the unreachable ones learn it from the new primary later).")
        String namesrvs;

        @Option(names = "--primary", paramLabel = "HOST:PORT", required = true, description = "The new primary.")
        String primary;

        @Option(names = "--peers", paramLabel = "HOST:PORT[,HOST:PORT...]",
                description = "The NameServers that take part, in chain order (default: the reachable ones of"
                        + " --namesrv, in their order).")
        String peers;

        @Option(names = "--timeout-ms", paramLabel = "MS", defaultValue = "5000",
                description = "Per-request timeout (default: ${DEFAULT-VALUE}).")
        long timeoutMs;

        @Option(names = "--json", description = "Print machine-readable JSON instead of text.")
        boolean json;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            StringBuilder text = new StringBuilder();
            Map<String, String> outcomes = new LinkedHashMap<>();
            NettyRemotingClient client = new NettyRemotingClient(NettyClientConfig.builder().build());
            client.start();
            try {
                List<Answer> answers = ask(client, addresses(namesrvs), timeoutMs);
                long epoch = 0;
                long bestSeq = -1;
                String best = null;
                List<String> reachable = new ArrayList<>();
                for (Answer a : answers) {
                    if (a.status() != null) {
                        reachable.add(a.addr());
                        epoch = Math.max(epoch, a.status().epoch());
                        if (a.status().lastSeq() > bestSeq) {
                            bestSeq = a.status().lastSeq();
                            best = a.addr();
                        }
                    }
                }
                if (!reachable.contains(primary)) {
                    throw new CommandFailedException("the new primary " + primary + " did not answer (reachable: "
                            + reachable + "); promote a NameServer that runs", null);
                }
                List<String> peerList = peers == null ? reachable : addresses(peers);
                if (!peerList.contains(primary)) {
                    throw new CommandFailedException("--peers " + peerList + " must contain --primary " + primary, null);
                }
                long newEpoch = epoch + 1;
                for (Answer a : answers) {
                    if (a.status() != null && a.addr().equals(primary) && a.status().lastSeq() < bestSeq) {
                        text.append("warning: ").append(best).append(" applied more operations (" + bestSeq + ") than "
                                + primary + " (" + a.status().lastSeq() + "); the new primary lacks those and "
                                + best + " will be reset to its registry by a snapshot\n");
                    }
                }
                int told = 0;
                for (String addr : peerList) {
                    if (!reachable.contains(addr)) {
                        continue;
                    }
                    RemotingCommand r;
                    try {
                        r = client.invokeSync(addr, RemotingCommand.createRequest(RequestCode.NS_REPL_TOPOLOGY)
                                .putField("epoch", newEpoch).putField("primary", primary)
                                .putField("peers", String.join(",", peerList)), timeoutMs);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new CommandFailedException("interrupted while telling " + addr, e);
                    } catch (Exception e) {
                        outcomes.put(addr, "not told (" + e.getMessage() + "); it learns the topology from the"
                                + " primary once reachable");
                        continue;
                    }
                    if (r.code() != ResponseCode.SUCCESS.code() && addr.equals(primary)) {
                        throw new CommandFailedException(primary + " refused the promotion: "
                                + ResponseCode.describe(r.code()) + " " + r.remark(), null);
                    }
                    outcomes.put(addr, r.code() == ResponseCode.SUCCESS.code() ? "follows" : "refused ("
                            + ResponseCode.describe(r.code()) + " " + r.remark() + ")");
                    told++;
                }
                outcomes.forEach((addr, outcome) -> text.append(addr).append(": ").append(outcome).append('\n'));
                text.append("primary ").append(primary).append(" at epoch ").append(newEpoch).append(", peers ")
                        .append(peerList).append(" (").append(told).append(" told)\n");
                Map<String, Object> result = new LinkedHashMap<>();
                result.put("primary", primary);
                result.put("epoch", newEpoch);
                result.put("peers", peerList);
                result.put("outcomes", outcomes);
                out.print(json ? Json.toPrettyString(result) + System.lineSeparator() : text.toString());
                out.flush();
                return 0;
            } finally {
                client.shutdown();
            }
        }
    }
}
