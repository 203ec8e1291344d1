package io.tidemq.broker.arch;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.Dependency;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaMethodCall;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.Set;

import static com.tngtech.archunit.base.DescribedPredicate.describe;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

/**
 * The broker's boundary with the store (design-review §7 item 2): the broker sees the store only through
 * {@code io.tidemq.store.api}, and every put goes through the one door, {@code broker.store.BrokerStore}.
 *
 * <p>Documented exceptions, each as narrow as one origin package and one target:
 * <ul>
 *   <li>{@code BrokerController} constructs {@code DefaultMessageStore}: the composition root picks the
 *       implementation behind {@code MessageStore}; every other class receives the interface.</li>
 *   <li>{@code broker.ha} (replication, issue 11) reads and appends raw CommitLog bytes below the MessageStore API
 *       ({@code io.tidemq.store.ha}: ReplicaLog, epoch lineage, replica identity) and is handed the
 *       {@code DefaultMessageStore} that owns them. Same: no API package for replication yet.</li>
 * </ul>
 */
class StoreBoundaryArchTest {

    private static final Set<String> PUT_METHODS = Set.of("putMessage", "putMessages");

    private static JavaClasses broker;

    @BeforeAll
    static void importBroker() {
        broker = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("io.tidemq.broker");
    }

    @Test
    void brokerClassesDependOnTheStoreOnlyThroughItsApi() {
        classes().that().resideInAPackage("io.tidemq.broker..")
                .should(dependOnTheStoreOnlyThroughItsApi())
                .because("processors and services see the store through io.tidemq.store.api.MessageStore;"
                        + " only the composition root names the implementation")
                .check(broker);
    }

    private static ArchCondition<JavaClass> dependOnTheStoreOnlyThroughItsApi() {
        return new ArchCondition<>("depend on the store only through io.tidemq.store.api") {
            @Override
            public void check(JavaClass origin, ConditionEvents events) {
                for (Dependency d : origin.getDirectDependenciesFromSelf()) {
                    JavaClass target = d.getTargetClass().getBaseComponentType();
                    if (isStoreInternal(target) && !isDocumentedException(origin, target)) {
                        events.add(SimpleConditionEvent.violated(d, d.getDescription()));
                    }
                }
            }
        };
    }

    private static boolean isStoreInternal(JavaClass target) {
        String pkg = target.getPackageName();
        return (pkg.equals("io.tidemq.store") || pkg.startsWith("io.tidemq.store."))
                && !(pkg.equals("io.tidemq.store.api") || pkg.startsWith("io.tidemq.store.api."));
    }

    private static boolean isDocumentedException(JavaClass origin, JavaClass target) {
        // the composition root and its nested classes (which read the field it holds the store in)
        boolean compositionRoot = (origin.getName().equals("io.tidemq.broker.BrokerController")
                || origin.getName().startsWith("io.tidemq.broker.BrokerController$"))
                && target.getName().equals("io.tidemq.store.DefaultMessageStore");
        boolean replication = origin.getPackageName().equals("io.tidemq.broker.ha")
                && (target.getPackageName().equals("io.tidemq.store.ha")
                || target.getName().equals("io.tidemq.store.DefaultMessageStore"));
        return compositionRoot || replication;
    }

    @Test
    void onlyBrokerStorePutsMessagesIntoTheStore() {
        DescribedPredicate<JavaMethodCall> putIntoStore = describe("a put into the store (putMessage/putMessages)",
                call -> PUT_METHODS.contains(call.getTarget().getName())
                        && call.getTargetOwner().getPackageName().startsWith("io.tidemq.store"));
        noClasses().that().doNotHaveFullyQualifiedName("io.tidemq.broker.store.BrokerStore")
                .should().callMethodWhere(putIntoStore)
                .because("BrokerStore.putUserMessage/putSystemMessage apply the transaction and delay diversions;"
                        + " a direct put would skip them")
                .check(broker);
    }
}
