package io.digitflow;

import com.tngtech.archunit.core.domain.Dependency;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The package floors, checked on the compiled classes: a package may use the packages on floors
 * below it (and its own), never one on its floor or above. That rules out upward imports and package
 * loops at once. The root package holds the entry point (Main, which may use everything) and two
 * facts every floor may read (Shape and UserException).
 */
class LayoutTest {

    /** From the top floor down; packages on one floor may not use each other. */
    static final List<Set<String>> FLOORS = List.of(
            Set.of("cli", "web"),
            Set.of("serve"),
            Set.of("control"),
            Set.of("stream"),
            Set.of("registry"),
            Set.of("report"),
            Set.of("model"),
            Set.of("inference", "input", "data", "broker"),
            Set.of("kafka", "platform"),
            Set.of("config"));
    private static final Set<String> ROOT_FACTS = Set.of("io.digitflow.Shape", "io.digitflow.UserException",
            "io.digitflow.StartupFailure");

    @Test
    void noPackageUsesOneOnItsFloorOrAbove() {
        JavaClasses classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("io.digitflow");
        Set<String> wrong = new TreeSet<>();
        Set<String> unplaced = new TreeSet<>();
        for (JavaClass from : classes) {
            String fromPackage = packageOf(from);
            if (fromPackage.isEmpty()) {
                continue; // the root: Main wires everything
            }
            int fromFloor = floor(fromPackage);
            if (fromFloor < 0) {
                unplaced.add(fromPackage);
                continue;
            }
            for (Dependency dependency : from.getDirectDependenciesFromSelf()) {
                JavaClass to = dependency.getTargetClass();
                if (!to.getPackageName().startsWith("io.digitflow")) {
                    continue;
                }
                String toPackage = packageOf(to);
                if (toPackage.isEmpty()) {
                    if (!ROOT_FACTS.contains(to.getName())) {
                        wrong.add(from.getName() + " -> " + to.getName() + " (the root is above every package)");
                    }
                    continue;
                }
                if (toPackage.equals(fromPackage)) {
                    continue;
                }
                int toFloor = floor(toPackage);
                if (toFloor <= fromFloor) {
                    wrong.add(fromPackage + " -> " + toPackage + " (" + from.getSimpleName() + " uses "
                            + to.getSimpleName() + ")");
                }
            }
        }
        assertThat(unplaced).as("packages missing from LayoutTest.FLOORS").isEmpty();
        assertThat(wrong).as("imports of a package on the same floor or above").isEmpty();
    }

    /** Kafka clients are made in one place, so every one of them gets the kafka.* settings alike. */
    @Test
    void onlyTheClientFactoryMakesKafkaClients() {
        JavaClasses classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("io.digitflow");
        Set<String> makers = new TreeSet<>();
        for (JavaClass from : classes) {
            java.util.stream.Stream.concat(from.getConstructorCallsFromSelf().stream(),
                    from.getMethodCallsFromSelf().stream()).forEach(call -> {
                String owner = call.getTargetOwner().getName();
                boolean makesClient = (call.getName().equals("<init>")
                        && (owner.equals("org.apache.kafka.clients.producer.KafkaProducer")
                        || owner.equals("org.apache.kafka.clients.consumer.KafkaConsumer")))
                        || (call.getName().equals("create") && (owner.equals("org.apache.kafka.clients.admin.Admin")
                        || owner.equals("org.apache.kafka.clients.admin.AdminClient")));
                if (makesClient) {
                    makers.add(from.getName());
                }
            });
        }
        assertThat(makers).containsExactly("io.digitflow.kafka.ClientFactory");
    }

    /** The first segment under io.digitflow; empty for the root package. */
    private static String packageOf(JavaClass javaClass) {
        String name = javaClass.getPackageName();
        if (name.equals("io.digitflow")) {
            return "";
        }
        String rest = name.substring("io.digitflow.".length());
        int dot = rest.indexOf('.');
        return dot < 0 ? rest : rest.substring(0, dot);
    }

    /** 0 is the top floor; -1 when the package is not placed. */
    private static int floor(String pkg) {
        for (int i = 0; i < FLOORS.size(); i++) {
            if (FLOORS.get(i).contains(pkg)) {
                return i;
            }
        }
        return -1;
    }
}
