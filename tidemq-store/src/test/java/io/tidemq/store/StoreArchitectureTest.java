package io.tidemq.store;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

/** The store (DESIGN §1): it depends on common only: no transport, no broker. */
@AnalyzeClasses(packages = "io.tidemq.store", importOptions = ImportOption.DoNotIncludeTests.class)
class StoreArchitectureTest {

    @ArchTest
    static final ArchRule dependsOnlyDownward = noClasses().should().dependOnClassesThat()
            .resideInAnyPackage("io.tidemq.remoting..", "io.tidemq.namesrv..", "io.tidemq.broker..", "io.tidemq.client..",
                    "io.tidemq.cli..", "io.netty..");
}
