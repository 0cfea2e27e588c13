package io.digitflow.config;

import io.digitflow.support.TestConfig;
import io.smallrye.config.SmallRyeConfig;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The images channel waits for a broker as long as its outputs do. SmallRye's throttled commit strategy
 * asks the coordinator for a partition's committed offset when that partition's first record arrives and
 * fails the channel for good if the answer takes longer than the consumer's default.api.timeout.ms: at the
 * 5 s every other client uses (for quick health answers), a coordinator lost seconds after an assignment
 * stopped the stream (seen in BrokerClusterIT).
 */
class ImagesChannelTimeoutsTest {

    @Test
    void theImagesConsumerWaitsForTheCoordinatorAsLongAsTheOutputsWaitForTheBroker() {
        SmallRyeConfig config = TestConfig.of(Map.of("app.serve", "true"));
        long outputsWait = config.getConfigMapping(DigitflowConfig.class).output().deliveryTimeout().toMillis();
        long clientDefault = config.getValue("kafka.default.api.timeout.ms", Long.class);
        long images = config.getOptionalValue("mp.messaging.incoming.images.default.api.timeout.ms", Long.class)
                .orElse(clientDefault);
        assertThat(clientDefault).as("other clients answer health quickly").isLessThanOrEqualTo(10_000);
        assertThat(images).as("images consumer's default.api.timeout.ms").isGreaterThanOrEqualTo(outputsWait);
        assertThat(images).isLessThanOrEqualTo(
                config.getValue("mp.messaging.incoming.images.throttled.unprocessed-record-max-age.ms", Long.class));
    }
}
