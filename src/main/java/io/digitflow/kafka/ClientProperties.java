package io.digitflow.kafka;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/** The service's {@code kafka.*} settings (bootstrap servers, SASL/TLS) narrowed to what one client type accepts. */
public final class ClientProperties {

    private ClientProperties() {
    }

    /** Producer settings from the shared Kafka configuration. */
    public static Map<String, Object> producer(Map<String, Object> kafka) {
        return select(kafka, ProducerConfig.configNames());
    }

    /** Consumer settings from the shared Kafka configuration. */
    public static Map<String, Object> consumer(Map<String, Object> kafka) {
        return select(kafka, ConsumerConfig.configNames());
    }

    /** Admin client settings from a client's configuration. */
    public static Map<String, Object> admin(Map<String, Object> kafka) {
        return select(kafka, org.apache.kafka.clients.admin.AdminClientConfig.configNames());
    }

    private static Map<String, Object> select(Map<String, Object> kafka, Set<String> names) {
        Map<String, Object> props = new HashMap<>();
        // Unknown keys would only make the client log warnings; SASL/TLS keys are kept as they are.
        kafka.forEach((k, v) -> {
            if (names.contains(k) || k.startsWith("sasl.") || k.startsWith("ssl.")) {
                props.put(k, v);
            }
        });
        return props;
    }
}
