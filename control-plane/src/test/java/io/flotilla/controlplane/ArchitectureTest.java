package io.flotilla.controlplane;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The house rules of the code, checked on the compiled classes: the control plane's packages form layers without
 * cycles (docs/architecture.md draws them), and the modules that hold Flotilla's rules (protocol, policy, placement)
 * stay plain Java, so that the agent, fleetctl and the benchmarks can use them without a framework.
 */
class ArchitectureTest {

    private static JavaClasses classes;

    @BeforeAll
    static void importClasses() {
        classes = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("io.flotilla");
    }

    @Test
    void controlPlanePackagesHaveNoCycles() {
        slices().matching("io.flotilla.controlplane.(*)..").should().beFreeOfCycles().check(classes);
    }

    @Test
    void protocolPolicyAndPlacementArePlainJava() {
        noClasses().that().resideInAnyPackage("io.flotilla.proto..", "io.flotilla.policy..", "io.flotilla.placement..")
                .should().dependOnClassesThat().resideInAnyPackage(
                        "io.quarkus..", "jakarta..", "javax.enterprise..", "javax.inject..", "io.fabric8..", "io.vertx..",
                        "io.smallrye..", "org.hibernate..", "io.netty..")
                .check(classes);
    }

    /** The engine is the loop its plugins fill: only the list of standard plugins names one. */
    @Test
    void thePlacementEngineKnowsNoConcretePlugin() {
        noClasses().that().resideInAPackage("io.flotilla.placement").and().doNotHaveSimpleName("PlacementPlugins")
                .should().dependOnClassesThat().resideInAPackage("io.flotilla.placement.plugins..")
                .check(classes);
        noClasses().that().resideInAPackage("io.flotilla.placement.plugins..")
                .should().dependOnClassesThat().resideInAPackage("io.flotilla.placement.routing..")
                .check(classes);
    }

    @Test
    void onlyTheControlPlaneUsesTheControlPlane() {
        noClasses().that().resideOutsideOfPackage("io.flotilla.controlplane..")
                .should().dependOnClassesThat().resideInAPackage("io.flotilla.controlplane..")
                .check(classes);
    }
}
