package io.digitflow.kafka;

import io.digitflow.broker.KafkaTestResource;
import io.digitflow.support.KafkaClients;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Against the shared test broker, whichever kind it is. */
class TopicSetupTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private static Admin admin;

    @BeforeAll
    static void connect() {
        admin = KafkaClients.admin(KafkaTestResource.bootstrapServers());
    }

    @AfterAll
    static void disconnect() {
        admin.close();
    }

    @Test
    void digitflowTopicsGetTheirPartitionsAndConfigsAndASecondRunCreatesNothing() throws Exception {
        TopicSetup.ensure(admin, Topics.all(Topics.DEFAULT_IMAGE_PARTITIONS), TIMEOUT);

        Set<String> createdAgain = TopicSetup.ensure(admin, Topics.all(Topics.DEFAULT_IMAGE_PARTITIONS), TIMEOUT);

        assertThat(createdAgain).isEmpty();
        assertThat(partitions(Topics.IMAGES)).isEqualTo(Topics.DEFAULT_IMAGE_PARTITIONS);
        assertThat(partitions(Topics.CONTROL)).isEqualTo(1);
        Config models = config(Topics.MODELS);
        assertThat(models.get("cleanup.policy").value()).isEqualTo("compact");
        assertThat(models.get("max.message.bytes").value()).isEqualTo(String.valueOf(Topics.MAX_RECORD_BYTES));
    }

    @Test
    void anExistingTopicIsLeftAsItIs() throws Exception {
        String name = "topic-setup-test-" + UUID.randomUUID();
        admin.createTopics(List.of(new NewTopic(name, 1, (short) 1))).all().get();

        Set<String> created = TopicSetup.ensure(admin, List.of(new TopicSpec(name, 4,
                Map.of("cleanup.policy", "compact"))), TIMEOUT);

        assertThat(created).isEmpty();
        assertThat(partitions(name)).isEqualTo(1);
        assertThat(config(name).get("cleanup.policy").value()).isEqualTo("delete");
    }

    @Test
    void aModelSizedRecordTravelsThroughTheModelsTopic() throws Exception {
        TopicSetup.ensure(admin, Topics.all(Topics.DEFAULT_IMAGE_PARTITIONS), TIMEOUT);
        String key = "model-" + UUID.randomUUID();
        String artifact = "m".repeat(3 * 1024 * 1024);
        // The producer's own limit (1 MB by default) must be raised as well as the topic's.
        try (var producer = KafkaClients.textProducer(KafkaTestResource.bootstrapServers(),
                Map.of(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, Topics.MAX_RECORD_BYTES))) {
            KafkaClients.sendAll(producer, List.of(new ProducerRecord<>(Topics.MODELS, key, artifact)));
        }

        var read = KafkaClients.readAll(KafkaTestResource.bootstrapServers(), Topics.MODELS, TIMEOUT);

        assertThat(read).filteredOn(r -> r.key().equals(key)).singleElement()
                .extracting(ConsumerRecord::value).isEqualTo(artifact);
    }

    private static int partitions(String topic) throws Exception {
        TopicDescription description = admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic);
        return description.partitions().size();
    }

    private static Config config(String topic) throws Exception {
        var resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
        return admin.describeConfigs(List.of(resource)).all().get().get(resource);
    }
}
