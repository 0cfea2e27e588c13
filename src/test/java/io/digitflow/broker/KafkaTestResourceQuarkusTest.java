package io.digitflow.broker;

import io.digitflow.support.KafkaClients;
import io.digitflow.kafka.TopicSetup;
import io.digitflow.kafka.TopicSpec;
import io.digitflow.kafka.Topics;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.producer.ProducerRecord;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/** The broker inside a Quarkus application: the test resource's config, and Kafka on Quarkus' class loader. */
@QuarkusTest
@WithTestResource(KafkaTestResource.class)
class KafkaTestResourceQuarkusTest {

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrapServers;

    @Test
    void theApplicationIsPointedAtTheSharedBroker() throws Exception {
        assertThat(bootstrapServers).isEqualTo(KafkaTestResource.bootstrapServers());
        try (var admin = KafkaClients.admin(bootstrapServers)) {
            assertThat(admin.describeCluster().nodes().get(30, TimeUnit.SECONDS)).hasSize(1);
        }
    }

    @Test
    void aLocalBrokerRunsOnTheApplicationClassLoader(@TempDir Path dataDir) throws Exception {
        // What `serve` does: the broker's classes (Scala, Kafka server) loaded by Quarkus, not the JDK.
        assertThat(LocalKafkaBroker.class.getClassLoader().getClass().getName()).contains("Quarkus");
        try (LocalKafkaBroker broker = LocalKafkaBroker.builder(dataDir).port(0).start();
             var admin = KafkaClients.admin(broker.bootstrapServers());
             var producer = KafkaClients.textProducer(broker.bootstrapServers())) {
            TopicSetup.ensure(admin, List.of(new TopicSpec(Topics.EVENTS, 1, Map.of())), Duration.ofSeconds(30));
            KafkaClients.sendAll(producer, List.of(new ProducerRecord<>(Topics.EVENTS, "k", "started")));

            var read = KafkaClients.readAll(broker.bootstrapServers(), Topics.EVENTS, Duration.ofSeconds(30));

            assertThat(read).singleElement().satisfies(r -> assertThat(r.value()).isEqualTo("started"));
        }
    }
}
