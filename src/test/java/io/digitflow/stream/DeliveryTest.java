package io.digitflow.stream;

import io.digitflow.config.DigitflowConfig;
import io.digitflow.kafka.ReplicaIdentity;
import io.digitflow.support.TestConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The two delivery modes, each made once from digitflow.delivery: what each adds to the images consumer,
 * gives the output producer, and commits when partitions are handed over.
 */
class DeliveryTest {

    private static final TopicPartition PARTITION = new TopicPartition("digits.images", 0);
    private static final Map<TopicPartition, OffsetAndMetadata> DRAINED = Map.of(PARTITION, new OffsetAndMetadata(42));

    @TempDir
    Path home;

    @Test
    void atLeastOnceIsTheDefault() {
        Delivery delivery = delivery(Map.of());
        assertThat(delivery).isInstanceOf(Delivery.AtLeastOnce.class);
        assertThat(delivery.transactionalId()).isEmpty();
        Map<String, Object> consumer = new HashMap<>();
        delivery.configureConsumer(consumer);
        assertThat(consumer).doesNotContainKey(ConsumerConfig.ISOLATION_LEVEL_CONFIG);
    }

    @Test
    void atLeastOnceCommitsWhatWasDrainedOnHandOver() {
        MockConsumer<String, byte[]> consumer = new MockConsumer<>(OffsetResetStrategy.EARLIEST);
        consumer.assign(List.of(PARTITION));
        delivery(Map.of()).handOver(consumer, List.of(PARTITION), DRAINED);
        assertThat(consumer.committed(Set.of(PARTITION))).containsEntry(PARTITION, new OffsetAndMetadata(42));
    }

    @Test
    void exactlyOnceReadsCommittedImagesAndLeavesCommitsToTheTransactions() {
        Delivery delivery = delivery(Map.of("digitflow.delivery", "exactly-once"));
        assertThat(delivery).isInstanceOf(Delivery.ExactlyOnce.class);
        Map<String, Object> settings = new HashMap<>();
        delivery.configureConsumer(settings);
        assertThat(settings).containsEntry(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");

        MockConsumer<String, byte[]> consumer = new MockConsumer<>(OffsetResetStrategy.EARLIEST);
        consumer.assign(List.of(PARTITION));
        delivery.handOver(consumer, List.of(PARTITION), DRAINED);
        assertThat(consumer.committed(Set.of(PARTITION))).as("a commit here would race the transactions").isEmpty();
    }

    @Test
    void exactlyOnceTransactionalIdIsTheGroupAndTheReplicaUnlessSet() {
        assertThat(delivery(Map.of("digitflow.delivery", "exactly-once", "digitflow.replica-id", "digitflow-2"))
                .transactionalId()).contains("digitflow-digitflow-2");
        assertThat(delivery(Map.of("digitflow.delivery", "exactly-once", "digitflow.replica-id", "digitflow-2",
                "digitflow.transactional-id", "outputs-2")).transactionalId()).contains("outputs-2");
    }

    private Delivery delivery(Map<String, String> settings) {
        Map<String, String> all = new HashMap<>(settings);
        all.put("digitflow.home", home.toString());
        all.putIfAbsent("digitflow.replica-id", "replica-0");
        DigitflowConfig config = TestConfig.digitflow(all);
        return Delivery.of(config, new ReplicaIdentity(config));
    }
}
