package io.tidemq.store;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideOutsideOfPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

/**
 * The store (DESIGN §1, issue 9 #5): it depends on common only (no transport, no broker), its packages form
 * no cycle, and its API package ({@code store.api}) depends on nothing else in the store: the implementation
 * depends on the API, never the reverse.
 */
@AnalyzeClasses(packages = "io.tidemq.store", importOptions = ImportOption.DoNotIncludeTests.class)
class StoreArchitectureTest {

    @ArchTest
    static final ArchRule dependsOnlyDownward = noClasses().should().dependOnClassesThat()
            .resideInAnyPackage("io.tidemq.remoting..", "io.tidemq.namesrv..", "io.tidemq.broker..", "io.tidemq.client..",
                    "io.tidemq.cli..", "io.netty..");

    /**
     * Each package is its own slice. The pattern starts above the module so that the root package
     * ({@code DefaultMessageStore}, the composition of the store) is a slice too: {@code io.tidemq.store.(*)..}
     * would leave it out, and with it every cycle through it.
     */
    @ArchTest
    static final ArchRule packagesFormNoCycle = slices().matching("io.tidemq.(**)").should().beFreeOfCycles();

    @ArchTest
    static final ArchRule apiDependsOnNothingElseInTheStore = noClasses()
            .that().resideInAPackage("io.tidemq.store.api..")
            .should().dependOnClassesThat(resideInAPackage("io.tidemq.store..")
                    .and(resideOutsideOfPackage("io.tidemq.store.api..")))
            .because("the broker compiles against store.api alone; the implementation depends on the API");
}
