package io.tidemq.controller;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

/**
 * Ratis stays behind one package: the state, its codec and the election logic are plain Java that unit tests
 * drive without a quorum, and that could move to another consensus library unchanged.
 */
@AnalyzeClasses(packages = "io.tidemq.controller", importOptions = ImportOption.DoNotIncludeTests.class)
class ControllerArchitectureTest {

    @ArchTest
    static final ArchRule ratisOnlyInTheRatisPackage = noClasses()
            .that().resideOutsideOfPackage("io.tidemq.controller.ratis..")
            .should().dependOnClassesThat().resideInAnyPackage("org.apache.ratis..");

    @ArchTest
    static final ArchRule packagesFormNoCycle = slices().matching("io.tidemq.(**)").should().beFreeOfCycles();

    @ArchTest
    static final ArchRule noBrokerClientOrCli = noClasses().should().dependOnClassesThat()
            .resideInAnyPackage("io.tidemq.store..", "io.tidemq.broker..", "io.tidemq.client..", "io.tidemq.cli..");
}
