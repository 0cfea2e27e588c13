package io.digitflow.stream;

import io.digitflow.kafka.ClientFactory;
import io.digitflow.StartupFailure;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The start-up check that the output topics take every output the producer may send: their
 * {@code max.message.bytes} (the topic's, else the broker's message.max.bytes) at least
 * {@code digitflow.output.max-request-bytes}. Otherwise an output within the producer's bound could be
 * refused by the broker, which the stream survives only by dead-lettering a valid record.
 */
public final class OutputLimits {

    private OutputLimits() {
    }

    /**
     * @throws StartupFailure when a topic takes less; topics that do not exist yet (created with the
     *                        broker's defaults on first write) and brokers that do not describe configs
     *                        (no DescribeConfigs permission) are not checked
     */
    public static void check(Admin admin, Collection<String> topics, int maxOutputBytes, Duration timeout) {
        List<ConfigResource> resources = new ArrayList<>();
        topics.forEach(topic -> resources.add(new ConfigResource(ConfigResource.Type.TOPIC, topic)));
        for (var entry : admin.describeConfigs(resources).values().entrySet()) {
            Config config;
            try {
                config = entry.getValue().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            } catch (ExecutionException e) {
                if (e.getCause() instanceof UnknownTopicOrPartitionException) {
                    continue;
                }
                org.jboss.logging.Logger.getLogger(OutputLimits.class).warnf(
                        "Cannot read max.message.bytes of %s (%s); the output bound is not checked against it",
                        entry.getKey().name(), e.getCause().toString());
                continue;
            } catch (TimeoutException e) {
                throw new StartupFailure("the broker did not describe topic " + entry.getKey().name() + " within "
                        + timeout, "kafka.bootstrap.servers", e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            ConfigEntry limit = config.get(TopicConfig.MAX_MESSAGE_BYTES_CONFIG);
            if (limit != null && limit.value() != null && Long.parseLong(limit.value()) < maxOutputBytes) {
                throw new StartupFailure("topic " + entry.getKey().name() + " takes messages of at most "
                        + limit.value() + " bytes (max.message.bytes), less than the outputs' bound of " + maxOutputBytes,
                        "digitflow.output.max-request-bytes (or the topic's max.message.bytes)");
            }
        }
    }

    /** The same check with an admin client of its own, from the service's kafka.* settings. */
    public static void check(ClientFactory clients, Collection<String> topics, int maxOutputBytes,
                             Duration timeout) {
        try (Admin admin = clients.admin("digitflow-output-limits", Map.of())) {
            check(admin, topics, maxOutputBytes, timeout);
        }
    }
}
