package io.tidemq.cli;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every {@code tidemq admin} command that prints data takes {@code --json}. The test walks picocli's command tree,
 * so a new admin command without {@code --json} fails here unless it is added to {@link #PURE_ACTIONS} (a command
 * that only acts and prints nothing worth parsing). That the output parses is shown against a live broker in
 * {@link AdminGroupConfigCommandTest#representativeCommandsPrintJsonThatJacksonParses()}.
 */
class AdminJsonOptionTest {

    /** Admin commands that print no data and so take no --json. None today: even actions print their outcome. */
    private static final Set<String> PURE_ACTIONS = Set.of();

    private static void leaves(CommandLine cl, String path, List<CommandLine> out, List<String> paths) {
        List<String> subs = cl.getSubcommands().keySet().stream().filter(n -> !n.equals("help")).toList();
        if (subs.isEmpty()) {
            out.add(cl);
            paths.add(path);
            return;
        }
        for (String name : subs) {
            leaves(cl.getSubcommands().get(name), path + " " + name, out, paths);
        }
    }

    @Test
    void everyAdminCommandTakesJsonOrIsAListedPureAction() {
        List<CommandLine> commands = new ArrayList<>();
        List<String> paths = new ArrayList<>();
        leaves(TideMq.newCommandLine().getSubcommands().get("admin"), "admin", commands, paths);
        assertThat(paths).as("the walk reaches the admin commands").contains("admin group create",
                "admin group update", "admin cluster list", "admin config get", "admin elect", "admin controller")
                .hasSizeGreaterThan(25);

        Set<String> withoutJson = new TreeSet<>();
        for (int i = 0; i < commands.size(); i++) {
            if (commands.get(i).getCommandSpec().findOption("--json") == null) {
                withoutJson.add(paths.get(i));
            }
        }
        assertThat(withoutJson).as("admin commands without --json").isEqualTo(PURE_ACTIONS);
        for (int i = 0; i < commands.size(); i++) {
            // their output goes through AdminOptions.print / ControllerOptions.print (or, for admin namesrv, its own
            // --json switch), which honour --json
            assertThat((Object) commands.get(i).getCommand()).as(paths.get(i))
                    .isInstanceOfAny(AdminSubcommand.class, AdminControllerCommand.class, AdminElectCommand.class,
                            AdminNamesrvCommand.Promote.class);
        }
    }

    @Test
    void jsonIsDocumentedAsMachineOutputInEveryAdminCommandsHelp() {
        Cli.Result r = Cli.exec("admin", "group", "create", "--help");
        assertThat(r.out()).contains("--json", "machine-readable JSON");
    }
}
