package io.tidemq.controller;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

/**
 * What brokers and tools link to talk to the controller: no Ratis (brokers must not carry it), no package cycle,
 * nothing of the broker, store, client or CLI.
 */
@AnalyzeClasses(packages = {"io.tidemq.controller.state", "io.tidemq.controller.codec",
        "io.tidemq.controller.client"}, importOptions = ImportOption.DoNotIncludeTests.class)
class ControllerApiArchitectureTest {

    @ArchTest
    static final ArchRule noRatis = noClasses().should().dependOnClassesThat()
            .resideInAnyPackage("org.apache.ratis..", "io.tidemq.controller.ratis..", "io.tidemq.controller.node..",
                    "io.tidemq.controller.election..", "io.tidemq.controller.service..");

    @ArchTest
    static final ArchRule packagesFormNoCycle = slices().matching("io.tidemq.(**)").should().beFreeOfCycles();

    @ArchTest
    static final ArchRule noBrokerStoreClientOrCli = noClasses().should().dependOnClassesThat()
            .resideInAnyPackage("io.tidemq.store..", "io.tidemq.broker..", "io.tidemq.client..", "io.tidemq.cli..");
}
