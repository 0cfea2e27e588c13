package io.digitflow.kafka;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.eclipse.microprofile.config.Config;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Every Kafka producer, consumer and admin client of the service and the CLI is made here, from the
 * {@code kafka.*} settings (and so the {@code KAFKA_*} environment): bootstrap servers, SASL and TLS apply
 * to all of them alike. Keys are strings and values bytes everywhere; producers write with
 * {@code acks=all} and idempotence, consumers never commit on their own. A caller adds only what is its own.
 */
public final class ClientFactory {

    /** Where the commands look when nothing names a broker: the local broker of {@code digitflow serve}. */
    public static final String LOCAL_BOOTSTRAP = "127.0.0.1:9092";

    private final Map<String, Object> settings;

    private ClientFactory(Map<String, Object> settings) {
        this.settings = Map.copyOf(settings);
    }

    /** From the service's {@code kafka.*} settings, without the prefix (Quarkus' default-kafka-broker map). */
    public static ClientFactory of(Map<String, Object> kafka) {
        return new ClientFactory(kafka);
    }

    /**
     * From a configuration, for the commands: every {@code kafka.*} setting or {@code KAFKA_*} variable,
     * with {@code bootstrap} (a command-line option; may be null) before kafka.bootstrap.servers before
     * the local broker.
     */
    public static ClientFactory of(Config config, String bootstrap) {
        Map<String, Object> settings = new HashMap<>();
        for (String name : config.getPropertyNames()) {
            // Environment variables are listed under their own names (KAFKA_SASL_JAAS_CONFIG).
            String dotted = name.toLowerCase(Locale.ROOT).replace('_', '.');
            if (dotted.startsWith("kafka.")) {
                config.getOptionalValue(dotted, String.class).ifPresent(v -> settings.put(dotted.substring(6), v));
            }
        }
        if (bootstrap != null) {
            settings.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        }
        settings.putIfAbsent(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, LOCAL_BOOTSTRAP);
        return new ClientFactory(settings);
    }

    /** The broker list every client here starts from. */
    public String bootstrapServers() {
        return String.valueOf(settings.get(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG));
    }

    /** A producer of string keys and byte values, acks=all and idempotent unless {@code own} says otherwise. */
    public KafkaProducer<String, byte[]> producer(String clientId, Map<String, Object> own) {
        return new KafkaProducer<>(producerSettings(clientId, own));
    }

    /** The settings {@link #producer} uses. */
    public Map<String, Object> producerSettings(String clientId, Map<String, Object> own) {
        Map<String, Object> props = select(ProducerConfig.configNames());
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        props.putIfAbsent(ProducerConfig.CLIENT_ID_CONFIG, clientId);
        props.putAll(own);
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        return props;
    }

    /**
     * A consumer of string keys and byte values that commits only when told to. Without a
     * {@code group.id} in {@code own} it has no group: it reads assigned partitions, nothing more.
     */
    public KafkaConsumer<String, byte[]> consumer(String clientId, Map<String, Object> own) {
        return new KafkaConsumer<>(consumerSettings(clientId, own));
    }

    /** The settings {@link #consumer} uses. */
    public Map<String, Object> consumerSettings(String clientId, Map<String, Object> own) {
        Map<String, Object> props = select(ConsumerConfig.configNames());
        // The service's own group belongs to its images channel; a client made here joins none unless asked.
        props.remove(ConsumerConfig.GROUP_ID_CONFIG);
        props.remove(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG);
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
        props.putAll(own);
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        return props;
    }

    /** An admin client. */
    public Admin admin(String clientId, Map<String, Object> own) {
        Map<String, Object> props = select(AdminClientConfig.configNames());
        props.put(AdminClientConfig.CLIENT_ID_CONFIG, clientId);
        props.putAll(own);
        return Admin.create(props);
    }

    private Map<String, Object> select(Set<String> names) {
        Map<String, Object> props = new HashMap<>();
        // Unknown keys would only make the client log warnings; SASL/TLS keys are kept as they are.
        settings.forEach((k, v) -> {
            if (names.contains(k) || k.startsWith("sasl.") || k.startsWith("ssl.")) {
                props.put(k, v);
            }
        });
        return props;
    }
}
