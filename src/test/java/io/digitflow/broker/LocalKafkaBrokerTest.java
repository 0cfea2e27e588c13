package io.digitflow.broker;

import io.digitflow.support.KafkaClients;
import io.digitflow.kafka.TopicSetup;
import io.digitflow.kafka.TopicSpec;
import io.digitflow.kafka.Topics;
import static io.digitflow.support.KafkaClients.images;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalKafkaBrokerTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    @TempDir
    Path dataDir;

    @Test
    void thousandRecordsSentWithAcksAllAreReadBackInOrderPerPartition() throws Exception {
        try (LocalKafkaBroker broker = LocalKafkaBroker.builder(dataDir).port(0).start()) {
            createImagesTopic(broker);
            send(broker, images(0, 1000));

            var read = KafkaClients.readAll(broker.bootstrapServers(), Topics.IMAGES, TIMEOUT);

            assertThat(read).extracting(ConsumerRecord::value)
                    .containsExactlyInAnyOrderElementsOf(KafkaClients.values(images(0, 1000)));
            assertThat(read).extracting(ConsumerRecord::partition).containsOnly(0, 1, 2);
            // Each key's values must come back in the order they were sent.
            for (int key = 0; key < KafkaClients.IMAGE_KEYS; key++) {
                String k = "id-" + key;
                assertThat(read.stream().filter(r -> r.key().equals(k)).map(r -> imageNumber(r.value())).toList())
                        .isSorted();
            }
        }
    }

    @Test
    void restartOnTheSameFolderKeepsClusterTopicsAndRecords() throws Exception {
        String clusterId;
        try (LocalKafkaBroker first = LocalKafkaBroker.builder(dataDir).port(0).start()) {
            clusterId = first.clusterId();
            createImagesTopic(first);
            send(first, images(0, 500));
        }

        // Fresh ports on purpose: neither the client nor the controller port is part of the stored state.
        try (LocalKafkaBroker second = LocalKafkaBroker.builder(dataDir).port(0).start();
             var admin = KafkaClients.admin(second.bootstrapServers())) {
            assertThat(second.clusterId()).isEqualTo(clusterId);
            assertThat(admin.listTopics().names().get()).contains(Topics.IMAGES);
            send(second, images(500, 500));

            var read = KafkaClients.readAll(second.bootstrapServers(), Topics.IMAGES, TIMEOUT);

            assertThat(read).extracting(ConsumerRecord::value)
                    .containsExactlyInAnyOrderElementsOf(KafkaClients.values(images(0, 1000)));
        }
    }

    @Test
    void topicsAreNotCreatedByMerelyAskingForThem() throws Exception {
        try (LocalKafkaBroker broker = LocalKafkaBroker.builder(dataDir).port(0).start();
             var admin = KafkaClients.admin(broker.bootstrapServers())) {
            // A consumer's metadata request for an unknown topic auto-creates it where that is enabled.
            var partitions = KafkaClients.partitionsFor(broker.bootstrapServers(), "digits.typo", Duration.ofSeconds(1));

            assertThat(partitions).isEmpty();
            assertThat(admin.listTopics().names().get()).doesNotContain("digits.typo");
        }
    }

    @Test
    void aSecondBrokerOnAFolderInUseIsRefusedAndTheFirstKeepsServing() throws Exception {
        try (LocalKafkaBroker running = LocalKafkaBroker.builder(dataDir).port(0).start()) {
            createImagesTopic(running);

            assertThatThrownBy(() -> LocalKafkaBroker.builder(dataDir).port(0).start())
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining(dataDir.toString())
                    .hasMessageContaining("in use");

            send(running, images(0, 10));
            assertThat(KafkaClients.readAll(running.bootstrapServers(), Topics.IMAGES, TIMEOUT)).hasSize(10);
        }
    }

    @Test
    void aBusyPortFailsTheStartNamingTheAddressAndLeavesTheFolderUsable() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName(LocalKafkaBroker.DEFAULT_HOST))) {
            assertThatThrownBy(() -> LocalKafkaBroker.builder(dataDir).port(taken.getLocalPort()).start())
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining(LocalKafkaBroker.DEFAULT_HOST + ":" + taken.getLocalPort())
                    .hasMessageContaining("Address already in use");
        }

        try (LocalKafkaBroker broker = LocalKafkaBroker.builder(dataDir).port(0).start()) {
            assertThat(broker.isRunning()).isTrue();
        }
    }

    private static void createImagesTopic(LocalKafkaBroker broker) {
        try (var admin = KafkaClients.admin(broker.bootstrapServers())) {
            TopicSetup.ensure(admin, List.of(new TopicSpec(Topics.IMAGES, 3, Map.of())), TIMEOUT);
        }
    }

    private static void send(LocalKafkaBroker broker, List<ProducerRecord<String, String>> records) throws Exception {
        try (var producer = KafkaClients.textProducer(broker.bootstrapServers())) {
            KafkaClients.sendAll(producer, records);
        }
    }

    private static int imageNumber(String value) {
        return Integer.parseInt(value.substring("image-".length()));
    }
}
