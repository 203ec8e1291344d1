package io.tidemq.remoting;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

/** The transport (DESIGN §1): no package cycle, and it depends on common only, never on the store, the NameServer, the broker, the client or the command line. */
@AnalyzeClasses(packages = "io.tidemq.remoting", importOptions = ImportOption.DoNotIncludeTests.class)
class RemotingArchitectureTest {

    /**
     * Each package is its own slice. The pattern starts above the module so that its root package is a slice
     * too: {@code io.tidemq.remoting.(**)} would leave the root out, and with it every cycle through it.
     */
    @ArchTest
    static final ArchRule packagesFormNoCycle = slices().matching("io.tidemq.(**)").should().beFreeOfCycles();

    @ArchTest
    static final ArchRule dependsOnlyDownward = noClasses().should().dependOnClassesThat()
            .resideInAnyPackage("io.tidemq.store..", "io.tidemq.namesrv..", "io.tidemq.broker..", "io.tidemq.client..",
                    "io.tidemq.cli..");
}
