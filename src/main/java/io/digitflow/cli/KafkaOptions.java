package io.digitflow.cli;

import org.eclipse.microprofile.config.ConfigProvider;
import picocli.CommandLine.Option;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/** Where `send` and `watch` find Kafka: --bootstrap-servers, else kafka.bootstrap.servers, else the local broker. */
final class KafkaOptions {

    @Option(names = "--bootstrap-servers", paramLabel = "HOST:PORT",
            description = "Kafka to talk to. Default: kafka.bootstrap.servers / KAFKA_BOOTSTRAP_SERVERS, "
                    + "else the local broker of `digitflow serve` (127.0.0.1:9092).")
    String bootstrap;

    /** Client settings: bootstrap servers plus every kafka.* setting (SASL/TLS pass through). */
    Map<String, Object> clientConfig() {
        Map<String, Object> config = new HashMap<>();
        var all = ConfigProvider.getConfig();
        for (String name : all.getPropertyNames()) {
            // Environment variables are listed under their own names (KAFKA_SASL_JAAS_CONFIG); the service's
            // Kafka clients read them as kafka.sasl.jaas.config, and so do the commands.
            String dotted = name.toLowerCase(Locale.ROOT).replace('_', '.');
            if (dotted.startsWith("kafka.sasl.") || dotted.startsWith("kafka.ssl.")
                    || dotted.equals("kafka.security.protocol")) {
                all.getOptionalValue(dotted, String.class).ifPresent(v -> config.put(dotted.substring(6), v));
            }
        }
        String servers = bootstrap != null ? bootstrap
                : all.getOptionalValue("kafka.bootstrap.servers", String.class).orElse("127.0.0.1:9092");
        config.put("bootstrap.servers", servers);
        return config;
    }

    /** A consumer of string keys and byte values with no group and no commits: it reads, nothing more. */
    org.apache.kafka.clients.consumer.KafkaConsumer<String, byte[]> reader() {
        return new org.apache.kafka.clients.consumer.KafkaConsumer<>(readerConfig());
    }

    /** The settings of {@link #reader()}, for a command that adds its own. */
    Map<String, Object> readerConfig() {
        Map<String, Object> props = clientConfig();
        props.put(org.apache.kafka.clients.consumer.ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(org.apache.kafka.clients.consumer.ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG,
                io.digitflow.kafka.Topics.MAX_RECORD_BYTES);
        props.put(org.apache.kafka.clients.consumer.ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG,
                org.apache.kafka.common.serialization.StringDeserializer.class);
        props.put(org.apache.kafka.clients.consumer.ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG,
                org.apache.kafka.common.serialization.ByteArrayDeserializer.class);
        return props;
    }
}
