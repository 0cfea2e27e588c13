package io.digitflow.config;

import io.digitflow.kafka.ReplicaIdentity;
import io.digitflow.stream.Delivery;
import io.digitflow.support.TestConfig;
import io.smallrye.config.SmallRyeConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * digitflow.delivery picks how the images poll loop reads and commits: at-least-once (the default) reads
 * uncommitted and commits the offsets of delivered batches itself; exactly-once reads committed images and
 * leaves every commit to the output transactions (a transactional.id of its own).
 */
class DeliveryModeTest {

    @Test
    void atLeastOnceIsTheDefaultAndCommitsItself() {
        SmallRyeConfig config = config(Map.of("digitflow.replica-id", "replica-9"));
        DigitflowConfig digitflow = config.getConfigMapping(DigitflowConfig.class);
        assertThat(digitflow.delivery()).isEqualTo(DigitflowConfig.Delivery.AT_LEAST_ONCE);
        assertThat(digitflow.transactionalId()).isEmpty();
        Delivery delivery = Delivery.of(digitflow, new ReplicaIdentity(digitflow));
        assertThat(delivery.transactionalId()).as("no transactions: the poll loop commits").isEmpty();
        Map<String, Object> consumer = new HashMap<>();
        delivery.configureConsumer(consumer);
        assertThat(consumer).doesNotContainKey(ConsumerConfig.ISOLATION_LEVEL_CONFIG);
    }

    @Test
    void exactlyOnceLeavesCommitsToTheTransactions() {
        SmallRyeConfig config = config(Map.of("digitflow.delivery", "exactly-once",
                "digitflow.transactional-id", "replica-0", "digitflow.replica-id", "replica-9"));
        DigitflowConfig digitflow = config.getConfigMapping(DigitflowConfig.class);
        assertThat(digitflow.delivery()).isEqualTo(DigitflowConfig.Delivery.EXACTLY_ONCE);
        assertThat(digitflow.transactionalId()).contains("replica-0");
        Delivery delivery = Delivery.of(digitflow, new ReplicaIdentity(digitflow));
        assertThat(delivery.transactionalId()).as("the configured id wins").contains("replica-0");
        Map<String, Object> consumer = new HashMap<>();
        delivery.configureConsumer(consumer);
        assertThat(consumer).containsEntry(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    }

    private static SmallRyeConfig config(Map<String, String> overrides) {
        return TestConfig.of(overrides);
    }
}
