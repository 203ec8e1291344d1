package io.tidemq.broker;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

/**
 * The broker (DESIGN §1, issue 9 #5): it never depends on the client, the NameServer or the command line, and
 * its packages form no cycle. The root package holds the composition root alone ({@code BrokerController},
 * which imports every feature); what the features share sits below them ({@code config}, {@code wire},
 * {@code support}, {@code stats}), so no arrow points back up.
 */
@AnalyzeClasses(packages = "io.tidemq.broker", importOptions = ImportOption.DoNotIncludeTests.class)
class BrokerArchitectureTest {

    @ArchTest
    static final ArchRule dependsOnlyDownward = noClasses().should().dependOnClassesThat()
            .resideInAnyPackage("io.tidemq.client..", "io.tidemq.namesrv..", "io.tidemq.cli..");

    /**
     * Each package is its own slice. The pattern starts above the module so that the root package is a slice
     * too: {@code io.tidemq.broker.(*)..} would leave it out, and with it every cycle through it.
     */
    @ArchTest
    static final ArchRule packagesFormNoCycle = slices().matching("io.tidemq.(**)").should().beFreeOfCycles();
}
