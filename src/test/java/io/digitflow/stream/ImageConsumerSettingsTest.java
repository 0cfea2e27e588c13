package io.digitflow.stream;

import io.digitflow.config.DigitflowConfig;
import io.digitflow.kafka.ReplicaIdentity;
import io.digitflow.support.TestConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The images consumer's fetches: a long poll by default (the broker answers as soon as one image is there, and a
 * quiet topic costs a fetch every half second, not hundreds a second), the wait for fuller batches only when
 * {@code digitflow.batch.max-wait} asks for it.
 */
class ImageConsumerSettingsTest {

    @Test
    void byDefaultTheBrokerAnswersAtTheFirstImageAndHoldsAQuietFetchHalfASecond() {
        Map<String, Object> consumer = settings(Map.of());
        assertThat(consumer).containsEntry(ConsumerConfig.FETCH_MIN_BYTES_CONFIG, 1)
                .containsEntry(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, ImageConsumerSettings.IDLE_FETCH_WAIT_MS);
    }

    @Test
    void aMaxWaitHoldsFetchesForAFullBatch() {
        Map<String, Object> consumer = settings(Map.of("digitflow.batch.max-wait", "5ms",
                "digitflow.batch.max-size", "256"));
        assertThat(consumer).containsEntry(ConsumerConfig.FETCH_MIN_BYTES_CONFIG, 256 * 784)
                .containsEntry(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 5);
    }

    private static Map<String, Object> settings(Map<String, String> overrides) {
        Map<String, String> all = new HashMap<>(overrides);
        all.put("digitflow.replica-id", "replica-1");
        DigitflowConfig config = TestConfig.digitflow(all);
        Map<String, Object> consumer = new HashMap<>();
        new ImageConsumerSettings(config, Delivery.of(config, new ReplicaIdentity(config))).apply(consumer);
        return consumer;
    }
}
