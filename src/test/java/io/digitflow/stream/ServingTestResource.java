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

    private String prefix;
    private final Map<String, String> overrides = new java.util.HashMap<>();

    @Override
    public void init(Map<String, String> initArgs) {
        prefix = initArgs.getOrDefault("prefix", "test");
        // Every other argument is a configuration override for this test class.
        initArgs.forEach((k, v) -> {
            if (!k.equals("prefix")) {
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
                    new TopicSpec(prefix + ".images.dlq", 1, Map.of())), Duration.ofSeconds(30));
            TopicSetup.ensure(admin, controlTopics(prefix), Duration.ofSeconds(30));
        }
        TestModels.ensure();
        Map<String, String> config = new java.util.HashMap<>(Map.of(
                "kafka.bootstrap.servers", bootstrap,
                "digitflow.home", TestModels.HOME.toString(),
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
        config.putAll(overrides);
        return config;
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
