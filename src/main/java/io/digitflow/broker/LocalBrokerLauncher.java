package io.digitflow.broker;

import io.digitflow.kafka.TopicSetup;
import io.digitflow.kafka.Topics;
import io.digitflow.platform.DigitflowHome;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * The default run's broker: when no Kafka cluster is configured, {@code serve} starts a local
 * single-node KRaft broker in this JVM, keeping its data in {@code <home>/kafka} across runs, and
 * creates the topics. Runs before Quarkus starts, because the Kafka channels connect at start-up;
 * so it reads system properties and environment variables, not the Quarkus configuration.
 */
public final class LocalBrokerLauncher {

    private LocalBrokerLauncher() {
    }

    /** Starts the local broker unless kafka.bootstrap.servers / KAFKA_BOOTSTRAP_SERVERS names a cluster. */
    public static Optional<LocalKafkaBroker> startIfNoClusterConfigured() {
        if (setting("kafka.bootstrap.servers", "KAFKA_BOOTSTRAP_SERVERS") != null) {
            return Optional.empty();
        }
        return Optional.of(start());
    }

    /** Starts the local broker in {@code <home>/kafka} and creates the topics that are missing. */
    public static LocalKafkaBroker start() {
        int port = Integer.parseInt(orDefault(setting("digitflow.broker.port", "DIGITFLOW_BROKER_PORT"),
                Integer.toString(LocalKafkaBroker.DEFAULT_PORT)));
        int controllerPort = Integer.parseInt(orDefault(
                setting("digitflow.broker.controller-port", "DIGITFLOW_BROKER_CONTROLLER_PORT"), "9093"));
        String folder = setting("digitflow.broker.dir", "DIGITFLOW_BROKER_DIR");
        Path dir = folder != null ? Path.of(folder) : DigitflowHome.resolve().resolve("kafka");
        System.out.printf("Starting the local Kafka broker on 127.0.0.1:%d (data in %s) ...%n", port, dir);
        LocalKafkaBroker broker = LocalKafkaBroker.builder(dir).port(port).controllerPort(controllerPort).start();
        int partitions = Integer.parseInt(orDefault(
                setting("digitflow.topics.images-partitions", "DIGITFLOW_TOPICS_IMAGES_PARTITIONS"),
                Integer.toString(Topics.DEFAULT_IMAGE_PARTITIONS)));
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()))) {
            TopicSetup.ensure(admin, Topics.all(partitions), Duration.ofSeconds(30));
        }
        System.setProperty("kafka.bootstrap.servers", broker.bootstrapServers());
        return broker;
    }

    private static String setting(String property, String env) {
        String value = System.getProperty(property);
        return value != null && !value.isBlank() ? value : System.getenv(env);
    }

    private static String orDefault(String value, String fallback) {
        return value == null || value.isBlank() ? fallback : value;
    }
}
