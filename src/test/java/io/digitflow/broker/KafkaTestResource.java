package io.digitflow.broker;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.function.BooleanSupplier;

import org.apache.kafka.common.utils.AppInfoParser;
import org.jboss.logging.Logger;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.kafka.KafkaContainer;
import org.testcontainers.utility.DockerImageName;

import io.digitflow.support.TestFiles;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * The one Kafka broker of a test JVM, for {@code @QuarkusTest}s (as a test resource) and plain tests
 * ({@link #bootstrapServers()}): Apache Kafka's own image in a Testcontainers container where a Docker
 * engine runs, else a {@link LocalKafkaBroker} in a temporary folder on free ports.
 */
public class KafkaTestResource implements QuarkusTestResourceLifecycleManager {

    private static final Logger LOG = Logger.getLogger(KafkaTestResource.class);

    /** {@code local} or {@code container} forces that broker; unset = container where Docker runs, else local. */
    public static final String KIND_PROPERTY = "test.kafka";

    /**
     * The running broker's address, kept where every class loader of the JVM sees it (Quarkus loads
     * test resources in its own): the first caller starts the broker, the others reuse it. Setting
     * it by hand points the tests at a broker that is already running.
     */
    public static final String BOOTSTRAP_PROPERTY = "test.kafka.bootstrap-servers";

    /** The broker kinds a test JVM can get. */
    enum Kind { LOCAL, CONTAINER }

    /** A kind and the reason it was chosen, for the log. */
    record Choice(Kind kind, String reason) {
    }

    @Override
    public Map<String, String> start() {
        return Map.of("kafka.bootstrap.servers", bootstrapServers());
    }

    @Override
    public void stop() {
        // Nothing: the broker serves every test class of this JVM; a shutdown hook stops it at the end.
    }

    /** The shared broker's bootstrap servers, starting it on first use. */
    public static String bootstrapServers() {
        // The lock has to be the same object whichever class loader loaded this class.
        synchronized (System.getProperties()) {
            String running = System.getProperty(BOOTSTRAP_PROPERTY);
            if (running == null) {
                running = start(choose(System.getProperty(KIND_PROPERTY), KafkaTestResource::dockerAvailable));
                System.setProperty(BOOTSTRAP_PROPERTY, running);
            }
            return running;
        }
    }

    static Choice choose(String requested, BooleanSupplier dockerAvailable) {
        if (requested == null || requested.isBlank()) {
            return dockerAvailable.getAsBoolean()
                    ? new Choice(Kind.CONTAINER, "a Docker engine is available")
                    : new Choice(Kind.LOCAL, "no Docker engine was found (the Testcontainers probe says why)");
        }
        return switch (requested.strip().toLowerCase(Locale.ROOT)) {
            case "local" -> new Choice(Kind.LOCAL, KIND_PROPERTY + "=local");
            case "container" -> new Choice(Kind.CONTAINER, KIND_PROPERTY + "=container");
            default -> throw new IllegalArgumentException(
                    KIND_PROPERTY + " must be 'local' or 'container', not '" + requested + "'");
        };
    }

    private static String start(Choice choice) {
        String bootstrapServers = choice.kind() == Kind.CONTAINER ? startContainer() : startLocal();
        LOG.infof("Kafka for tests: %s broker on %s, because %s (-D%s=local|container overrides)",
                choice.kind().name().toLowerCase(Locale.ROOT), bootstrapServers, choice.reason(), KIND_PROPERTY);
        return bootstrapServers;
    }

    private static String startContainer() {
        // The image of the same Kafka version as the clients, so tests see the broker the service gets.
        var container = new KafkaContainer(DockerImageName.parse("apache/kafka:" + AppInfoParser.getVersion()));
        // The same policy as the local broker (no auto-creation, large records, no rebalance delay);
        // the image reads KAFKA_SOME_PROPERTY as some.property.
        BrokerProperties.policy().forEach((key, value) ->
                container.withEnv("KAFKA_" + key.toUpperCase(Locale.ROOT).replace('.', '_'), value));
        container.start();
        Runtime.getRuntime().addShutdownHook(new Thread(container::stop, "kafka-test-container-stop"));
        return container.getBootstrapServers();
    }

    private static String startLocal() {
        Path dataDir = createTempDirectory();
        LocalKafkaBroker broker = LocalKafkaBroker.builder(dataDir).port(0).start();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            broker.stop();
            try {
                TestFiles.deleteRecursively(dataDir);
            } catch (IOException e) {
                LOG.debugf(e, "Could not delete %s", dataDir);
            }
        }, "kafka-test-broker-stop"));
        return broker.bootstrapServers();
    }

    private static boolean dockerAvailable() {
        try {
            return DockerClientFactory.instance().isDockerAvailable();
        } catch (RuntimeException | LinkageError e) {
            LOG.debugf(e, "Docker detection failed");
            return false;
        }
    }

    private static Path createTempDirectory() {
        try {
            return Files.createTempDirectory("digitflow-test-kafka");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

}
