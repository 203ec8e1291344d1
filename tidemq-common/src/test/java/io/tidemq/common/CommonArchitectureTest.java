package io.tidemq.common;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

/** The shared vocabulary (DESIGN §1): no package cycle, and no dependency on any other TideMQ module or on Netty. */
@AnalyzeClasses(packages = "io.tidemq.common", importOptions = ImportOption.DoNotIncludeTests.class)
class CommonArchitectureTest {

    /**
     * Each package is its own slice. The pattern starts above the module so that its root package is a slice
     * too: {@code io.tidemq.common.(**)} would leave the root out, and with it every cycle through it.
     */
    @ArchTest
    static final ArchRule packagesFormNoCycle = slices().matching("io.tidemq.(**)").should().beFreeOfCycles();

    @ArchTest
    static final ArchRule dependsOnlyDownward = noClasses().should().dependOnClassesThat()
            .resideInAnyPackage("io.tidemq.remoting..", "io.tidemq.store..", "io.tidemq.namesrv..", "io.tidemq.broker..",
                    "io.tidemq.client..", "io.tidemq.cli..", "io.netty..");
}
