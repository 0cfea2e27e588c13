package io.digitflow.config;

import io.quarkus.runtime.configuration.DurationConverter;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.time.Duration;
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
    void theImagesConsumerWaitsForTheCoordinatorAsLongAsTheOutputsWaitForTheBroker() throws IOException {
        SmallRyeConfig config = new SmallRyeConfigBuilder()
                .addDefaultInterceptors()
                .addSystemSources() // user.home, as in Quarkus
                .withSources(new PropertiesConfigSource(ImagesChannelTimeoutsTest.class.getResource("/application.properties"), 100))
                .withSources(new PropertiesConfigSource(Map.of("app.serve", "true"), "test", 400))
                .withConverter(Duration.class, 200, new DurationConverter())
                .withMapping(DigitflowConfig.class)
                .build();
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
