package io.digitflow.stream;

import io.digitflow.broker.KafkaTestResource;
import io.digitflow.kafka.TopicSetup;
import io.digitflow.kafka.TopicSpec;
import io.digitflow.support.TestModels;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The service under test, wired to the test broker: topics of its own (named by the "prefix" init
 * argument, so test classes do not read each other's records), a trained model in the test home,
 * and the images channel started as soon as the app is up.
 */
public class ServingTestResource implements QuarkusTestResourceLifecycleManager {

    /** Argument value of {@value #HOME_ARG} that gives the test class a home of its own. */
    public static final String OWN_HOME = "own";
    private static final String HOME_ARG = "home";

    private String prefix;
    private boolean ownHome;
    private final Map<String, String> overrides = new java.util.HashMap<>();

    @Override
    public void init(Map<String, String> initArgs) {
        prefix = initArgs.getOrDefault("prefix", "test");
        // Every other argument is a configuration override for this test class.
        ownHome = OWN_HOME.equals(initArgs.get(HOME_ARG));
        initArgs.forEach((k, v) -> {
            if (!k.equals("prefix") && !k.equals(HOME_ARG)) {
                overrides.put(k, v);
            }
        });
    }

    @Override
    public Map<String, String> start() {
        String bootstrap = KafkaTestResource.bootstrapServers();
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            TopicSetup.ensure(admin, List.of(
                    new TopicSpec(prefix + ".images", 3, Map.of()),
                    new TopicSpec(prefix + ".predictions", 3, Map.of()),
                    new TopicSpec(prefix + ".predictions.shadow", 3, Map.of()),
                    new TopicSpec(prefix + ".images.dlq", 1, Map.of())), Duration.ofSeconds(30));
            TopicSetup.ensure(admin, controlTopics(prefix), Duration.ofSeconds(30));
        }
        java.nio.file.Path model = TestModels.ensure();
        Map<String, String> config = new java.util.HashMap<>(Map.of(
                "kafka.bootstrap.servers", bootstrap,
                "digitflow.home", (ownHome ? ownHome(model) : TestModels.HOME).toString(),
                "digitflow.topics.images", prefix + ".images",
                "digitflow.topics.predictions", prefix + ".predictions",
                "digitflow.topics.dead-letters", prefix + ".images.dlq",
                "digitflow.consumer-group", prefix + "-service",
                "app.serve", "true",
                "digitflow.serve.autostart", "true"));
        config.put("digitflow.topics.control", prefix + ".control");
        config.put("digitflow.topics.models", prefix + ".models");
        config.put("digitflow.topics.events", prefix + ".events");
        config.put("digitflow.topics.labeled", prefix + ".labeled");
        config.put("digitflow.topics.shadow-predictions", prefix + ".predictions.shadow");
        config.putAll(overrides);
        return config;
    }

    /**
     * A fresh home beside the shared one holding only the test model: for a test class that publishes models,
     * which its model follower stores in its home, where every later test class would otherwise serve the newest.
     */
    private java.nio.file.Path ownHome(java.nio.file.Path model) {
        java.nio.file.Path home = TestModels.HOME.resolveSibling(TestModels.HOME.getFileName() + "-" + prefix);
        try {
            if (java.nio.file.Files.exists(home)) {
                try (var walk = java.nio.file.Files.walk(home)) {
                    for (java.nio.file.Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                        java.nio.file.Files.delete(p);
                    }
                }
            }
            java.nio.file.Path target = home.resolve("models").resolve(model.getFileName());
            java.nio.file.Files.createDirectories(target);
            try (var files = java.nio.file.Files.list(model)) {
                for (java.nio.file.Path file : files.toList()) {
                    java.nio.file.Files.copy(file, target.resolve(file.getFileName()));
                }
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(home + ": cannot make the test's own home", e);
        }
        return home;
    }

    /** The control, models, events and labelled topics of a test prefix, shaped like the real ones. */
    public static List<TopicSpec> controlTopics(String prefix) {
        return io.digitflow.kafka.Topics.all(1).stream()
                .filter(t -> List.of(io.digitflow.kafka.Topics.CONTROL, io.digitflow.kafka.Topics.MODELS,
                        io.digitflow.kafka.Topics.EVENTS, io.digitflow.kafka.Topics.LABELED).contains(t.name()))
                .map(t -> new TopicSpec(prefix + t.name().substring("digits".length()), t.partitions(), t.configs()))
                .toList();
    }

    @Override
    public void stop() {
        // The broker is shared by the whole test JVM; KafkaTestResource stops it.
    }
}
