package io.digitflow.kafka;

import io.smallrye.config.EnvConfigSource;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** One factory for every Kafka client: the service's settings and the commands' environment give the same clients. */
class ClientFactoryTest {

    @Test
    void producersTakeSecuritySettingsAndWriteDurably() {
        ClientFactory clients = ClientFactory.of(Map.of("bootstrap.servers", "b:9092",
                "sasl.mechanism", "SCRAM-SHA-512", "security.protocol", "SASL_SSL",
                "group.id", "digitflow", "auto.offset.reset", "earliest"));
        Map<String, Object> producer = clients.producerSettings("p", Map.of(ProducerConfig.LINGER_MS_CONFIG, 2));
        assertThat(producer).containsEntry("bootstrap.servers", "b:9092")
                .containsEntry("sasl.mechanism", "SCRAM-SHA-512")
                .containsEntry("security.protocol", "SASL_SSL")
                .containsEntry(ProducerConfig.ACKS_CONFIG, "all")
                .containsEntry(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true)
                .containsEntry(ProducerConfig.LINGER_MS_CONFIG, 2)
                .containsEntry(ProducerConfig.CLIENT_ID_CONFIG, "p")
                .containsEntry(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class)
                // consumer-only settings would only make the producer warn
                .doesNotContainKeys("group.id", "auto.offset.reset");
    }

    @Test
    void consumersJoinNoGroupAndNeverCommitOnTheirOwn() {
        ClientFactory clients = ClientFactory.of(Map.of("bootstrap.servers", "b:9092", "group.id", "digitflow",
                "group.instance.id", "replica-1", "enable.auto.commit", "true"));
        Map<String, Object> consumer = clients.consumerSettings("c", Map.of());
        assertThat(consumer).doesNotContainKeys("group.id", "group.instance.id")
                .containsEntry(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false)
                .containsEntry(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        assertThat(clients.consumerSettings("c", Map.of("group.id", "mine"))).containsEntry("group.id", "mine");
    }

    @Test
    void commandsReadTheEnvironmentAndTheirOptionFirst() {
        SmallRyeConfig config = new SmallRyeConfigBuilder()
                .withSources(new EnvConfigSource(Map.of("KAFKA_BOOTSTRAP_SERVERS", "env:9092",
                        "KAFKA_SASL_MECHANISM", "PLAIN", "HOME", "/somewhere"), 300))
                .withSources(new PropertiesConfigSource(Map.of("kafka.request.timeout.ms", "5000"), "test", 250))
                .build();
        ClientFactory fromEnvironment = ClientFactory.of(config, null);
        assertThat(fromEnvironment.bootstrapServers()).isEqualTo("env:9092");
        assertThat(fromEnvironment.producerSettings("p", Map.of()))
                .containsEntry("sasl.mechanism", "PLAIN")
                .containsEntry("request.timeout.ms", "5000")
                .doesNotContainKey("home");
        assertThat(ClientFactory.of(config, "option:9092").bootstrapServers()).isEqualTo("option:9092");
        SmallRyeConfig empty = new SmallRyeConfigBuilder().build();
        assertThat(ClientFactory.of(empty, null).bootstrapServers()).isEqualTo(ClientFactory.LOCAL_BOOTSTRAP);
    }
}
