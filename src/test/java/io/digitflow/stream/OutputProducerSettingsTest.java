package io.digitflow.stream;

import io.digitflow.config.DigitflowConfig;
import io.digitflow.support.TestConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The output producer's batching: the measured defaults, and kafka.linger.ms / kafka.batch.size when an operator sets them. */
class OutputProducerSettingsTest {

    private final DigitflowConfig config = TestConfig.digitflow(Map.of());

    @Test
    void measuredDefaultsUnlessKafkaSettingsSayOtherwise() {
        Map<String, Object> defaults = OutputProducer.settings(Map.of("bootstrap.servers", "localhost:9092"), config,
                new Delivery.AtLeastOnce());
        assertThat(defaults).containsEntry(ProducerConfig.LINGER_MS_CONFIG, 0)
                .containsEntry(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024)
                .doesNotContainKey(ProducerConfig.TRANSACTIONAL_ID_CONFIG);

        Map<String, Object> kafka = Map.of("bootstrap.servers", "localhost:9092", ProducerConfig.LINGER_MS_CONFIG, "5",
                ProducerConfig.BATCH_SIZE_CONFIG, "65536");
        Map<String, Object> own = OutputProducer.settings(kafka, config, new Delivery.ExactlyOnce("replica-0"));
        assertThat(own).as("absent here, so ClientFactory's kafka.* values stand")
                .doesNotContainKeys(ProducerConfig.LINGER_MS_CONFIG, ProducerConfig.BATCH_SIZE_CONFIG)
                .containsEntry(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "replica-0");
        assertThat(io.digitflow.kafka.ClientFactory.of(kafka).producerSettings("digitflow-outputs", own))
                .containsEntry(ProducerConfig.LINGER_MS_CONFIG, "5").containsEntry(ProducerConfig.BATCH_SIZE_CONFIG, "65536");
    }
}
