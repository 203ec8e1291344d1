package io.tidemq.client;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaCodeUnit;
import com.tngtech.archunit.core.domain.JavaField;
import com.tngtech.archunit.core.domain.JavaMember;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import com.tngtech.archunit.library.dependencies.SliceAssignment;
import com.tngtech.archunit.library.dependencies.SliceIdentifier;

import java.util.ArrayList;
import java.util.List;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.members;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

/**
 * The client SDK's structure (DESIGN §1, issue 9 #4): packages by concept without cycles, internals kept out
 * of the public API, and no dependency on the server modules.
 */
@AnalyzeClasses(packages = "io.tidemq.client", importOptions = ImportOption.DoNotIncludeTests.class)
class ClientArchitectureTest {

    private static final String ROOT = "io.tidemq.client";

    /** Packages an application imports: every public type in them, and every public member, is API. */
    static final String[] API_PACKAGES = {ROOT, ROOT + ".producer", ROOT + ".consumer", ROOT + ".transaction",
            ROOT + ".admin", ROOT + ".offset", ROOT + ".rebalance"};

    /** Packages no application should see: the shared instance, the request layer, consumer runtimes, transport. */
    static final String[] INTERNAL_PACKAGES = {ROOT + ".instance..", ROOT + ".remoting..", ROOT + ".route..",
            ROOT + ".consumer.internal..", "io.tidemq.remoting..", "io.netty.."};

    /**
     * Every package is a slice, except that a concept's {@code internal} subpackages belong to the concept:
     * the public {@code PushConsumer} builds its runtime from {@code consumer.internal}, which implements the
     * listener contract of {@code consumer}. Everything else must point one way.
     */
    @ArchTest
    static final ArchRule packagesFormNoCycle = slices().assignedFrom(new SliceAssignment() {
        @Override
        public SliceIdentifier getIdentifierOf(JavaClass javaClass) {
            String pkg = javaClass.getPackageName();
            if (!pkg.equals(ROOT) && !pkg.startsWith(ROOT + ".")) {
                return SliceIdentifier.ignore();
            }
            int internal = pkg.indexOf(".internal");
            return SliceIdentifier.of(internal < 0 ? pkg : pkg.substring(0, internal));
        }

        @Override
        public String getDescription() {
            return "the packages of " + ROOT + ", each with its .internal subpackages";
        }
    }).should().beFreeOfCycles();

    /** Inside a concept's internals, the subpackages (e.g. {@code orderly}) point one way too. */
    @ArchTest
    static final ArchRule consumerInternalsFormNoCycle =
            slices().matching(ROOT + ".consumer.(**)").should().beFreeOfCycles();

    @ArchTest
    static final ArchRule consumerInternalsAreUsedOnlyByTheConsumer = classes()
            .that().resideInAPackage(ROOT + ".consumer.internal..")
            .should().onlyBeAccessed().byClassesThat().resideInAPackage(ROOT + ".consumer..");

    @ArchTest
    static final ArchRule dependsOnCommonAndRemotingOnly = noClasses().should().dependOnClassesThat()
            .resideInAnyPackage("io.tidemq.store..", "io.tidemq.broker..", "io.tidemq.namesrv..", "io.tidemq.cli..");

    /**
     * One request layer (issue 9 #4): only {@code client.remoting} builds requests, calls the transport and reads
     * its answers; everything else calls its typed methods and sees typed results and exceptions.
     */
    @ArchTest
    static final ArchRule onlyTheRequestLayerUsesTheTransport = noClasses()
            .that().resideOutsideOfPackage(ROOT + ".remoting..")
            .should().dependOnClassesThat().resideInAnyPackage("io.tidemq.remoting..", "io.netty..");

    /**
     * One table (issue 9 #4, design-review §5.4): a server's error code becomes an exception in
     * {@code client.remoting.ResponseCodes} only; elsewhere exceptions carry codes only when a subclass names its
     * own ({@link BrokerDiskFullException} is DISK_FULL).
     */
    @ArchTest
    static final ArchRule onlyTheRequestLayerTurnsResponseCodesIntoExceptions = noClasses()
            .that().resideOutsideOfPackage(ROOT + ".remoting..")
            .and().doNotHaveFullyQualifiedName(BrokerDiskFullException.class.getName())
            .should().callConstructor(RequestFailedException.class, String.class, String.class, int.class, String.class)
            .orShould().callConstructor(SendFailedException.class, String.class, String.class, int.class, String.class)
            .orShould().callConstructor(BrokerDiskFullException.class, String.class, String.class, String.class);

    /** One exception tree: an application catches {@link ClientException} for everything the SDK throws. */
    @ArchTest
    static final ArchRule everyExceptionIsAClientException = classes()
            .that().areAssignableTo(Throwable.class)
            .should().beAssignableTo(ClientException.class);

    /** What an application can call names no internal type: no parameter, return, field or thrown type. */
    @ArchTest
    static final ArchRule publicApiNamesNoInternalType = members()
            .that().areDeclaredInClassesThat().resideInAnyPackage(API_PACKAGES)
            .and().areDeclaredInClassesThat().arePublic()
            .and(visibleToApplications())
            .should(nameNoInternalType());

    private static DescribedPredicate<JavaMember> visibleToApplications() {
        return DescribedPredicate.describe("are public or protected", m ->
                m.getModifiers().contains(JavaModifier.PUBLIC) || m.getModifiers().contains(JavaModifier.PROTECTED));
    }

    private static ArchCondition<JavaMember> nameNoInternalType() {
        return new ArchCondition<>("name no type of " + String.join(", ", INTERNAL_PACKAGES)) {
            @Override
            public void check(JavaMember member, ConditionEvents events) {
                List<JavaClass> types = new ArrayList<>();
                if (member instanceof JavaField field) {
                    types.add(field.getRawType());
                } else if (member instanceof JavaCodeUnit code) {
                    types.add(code.getRawReturnType());
                    types.addAll(code.getRawParameterTypes());
                    types.addAll(code.getExceptionTypes());
                }
                for (JavaClass type : types) {
                    JavaClass base = type.isArray() ? type.getBaseComponentType() : type;
                    if (isInternal(base.getPackageName())) {
                        events.add(SimpleConditionEvent.violated(member,
                                member.getFullName() + " names the internal type " + base.getName()));
                    }
                }
            }
        };
    }

    private static boolean isInternal(String pkg) {
        for (String internal : INTERNAL_PACKAGES) {
            String prefix = internal.substring(0, internal.length() - 2);
            if (pkg.equals(prefix) || pkg.startsWith(prefix + ".")) {
                return true;
            }
        }
        return false;
    }
}
