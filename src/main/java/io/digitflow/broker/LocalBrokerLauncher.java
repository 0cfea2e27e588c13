package io.digitflow.broker;

import io.digitflow.kafka.ClientFactory;
import io.digitflow.StartupFailure;

import io.digitflow.kafka.TopicSetup;
import io.digitflow.kafka.Topics;
import io.digitflow.platform.DigitflowHome;
import org.apache.kafka.clients.admin.Admin;

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

    /**
     * Starts the local broker in {@code <home>/kafka} and creates the topics that are missing.
     *
     * @throws StartupFailure when a port is taken or not a port, or the data folder is unusable
     */
    public static LocalKafkaBroker start() {
        int port = port("digitflow.broker.port", "DIGITFLOW_BROKER_PORT", LocalKafkaBroker.DEFAULT_PORT);
        int controllerPort = port("digitflow.broker.controller-port", "DIGITFLOW_BROKER_CONTROLLER_PORT", 9093);
        String folder = setting("digitflow.broker.dir", "DIGITFLOW_BROKER_DIR");
        Path dir = folder != null ? Path.of(folder) : DigitflowHome.resolve().resolve("kafka");
        String dirSetting = folder != null ? "digitflow.broker.dir (DIGITFLOW_BROKER_DIR)"
                : "digitflow.broker.dir (DIGITFLOW_BROKER_DIR) or digitflow.home (DIGITFLOW_HOME)";
        requireUsable(dir, dirSetting);
        System.out.printf("Starting the local Kafka broker on 127.0.0.1:%d (data in %s) ...%n", port, dir);
        LocalKafkaBroker broker;
        try {
            broker = LocalKafkaBroker.builder(dir).port(port).controllerPort(controllerPort).start();
        } catch (RuntimeException e) {
            if (causedBy(e, java.net.BindException.class)) {
                throw new StartupFailure("the local broker cannot listen on port " + port + " or " + controllerPort
                        + " (" + rootMessage(e) + ")", "digitflow.broker.port / digitflow.broker.controller-port", e);
            }
            throw new StartupFailure("the local broker cannot use its data folder " + dir + " (" + rootMessage(e) + ")",
                    dirSetting, e);
        }
        int partitions = Integer.parseInt(orDefault(
                setting("digitflow.topics.images-partitions", "DIGITFLOW_TOPICS_IMAGES_PARTITIONS"),
                Integer.toString(Topics.DEFAULT_IMAGE_PARTITIONS)));
        try (Admin admin = ClientFactory.of(broker.clientSettings()).admin("digitflow-topic-setup", Map.of())) {
            TopicSetup.ensure(admin, Topics.all(partitions), Duration.ofSeconds(30));
        }
        System.setProperty("kafka.bootstrap.servers", broker.bootstrapServers());
        return broker;
    }

    /** A port setting, checked to be free before the broker (whose start-up logs bury the reason) tries it. */
    private static int port(String property, String env, int fallback) {
        String value = orDefault(setting(property, env), Integer.toString(fallback));
        int port;
        try {
            port = Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            throw new StartupFailure(property + " is '" + value + "', not a port number", property + " (" + env + ")");
        }
        if (port < 1 || port > 65535) {
            throw new StartupFailure(property + " is " + port + ", not a port number (1-65535)", property + " (" + env + ")");
        }
        try (java.net.ServerSocket socket = new java.net.ServerSocket()) {
            socket.bind(new java.net.InetSocketAddress("127.0.0.1", port));
        } catch (java.io.IOException e) {
            throw new StartupFailure("port " + port + " is taken (" + e.getMessage() + "); another broker or service "
                    + "listens there", property + " (" + env + "), or stop what holds the port", e);
        }
        return port;
    }

    /** The data folder must be a folder this process can create and write. */
    private static void requireUsable(Path dir, String dirSetting) {
        try {
            java.nio.file.Files.createDirectories(dir);
        } catch (java.io.IOException | RuntimeException e) {
            throw new StartupFailure("the local broker's data folder " + dir + " cannot be created ("
                    + e.getClass().getSimpleName() + ": " + e.getMessage() + ")", dirSetting, e);
        }
        if (!java.nio.file.Files.isWritable(dir)) {
            throw new StartupFailure("the local broker's data folder " + dir + " is not writable", dirSetting);
        }
    }

    private static boolean causedBy(Throwable e, Class<? extends Throwable> type) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return true;
            }
        }
        return false;
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return String.valueOf(root.getMessage()).lines().findFirst().orElse("");
    }

    private static String setting(String property, String env) {
        String value = System.getProperty(property);
        return value != null && !value.isBlank() ? value : System.getenv(env);
    }

    private static String orDefault(String value, String fallback) {
        return value == null || value.isBlank() ? fallback : value;
    }
}
