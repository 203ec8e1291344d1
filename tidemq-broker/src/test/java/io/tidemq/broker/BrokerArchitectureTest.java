package io.tidemq.broker;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

/** The broker (DESIGN §1): it never depends on the client, the NameServer or the command line. */
@AnalyzeClasses(packages = "io.tidemq.broker", importOptions = ImportOption.DoNotIncludeTests.class)
class BrokerArchitectureTest {

    @ArchTest
    static final ArchRule dependsOnlyDownward = noClasses().should().dependOnClassesThat()
            .resideInAnyPackage("io.tidemq.client..", "io.tidemq.namesrv..", "io.tidemq.cli..");
}
