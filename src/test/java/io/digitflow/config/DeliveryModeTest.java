package io.digitflow.config;

import io.digitflow.stream.PatientCommits;
import io.digitflow.support.TestConfig;
import io.smallrye.config.SmallRyeConfig;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * digitflow.delivery picks the images channel's commit strategy through application.properties:
 * at-least-once (the default) keeps SmallRye's throttled commits (made patient with a lost coordinator), exactly-once leaves every commit to
 * the output transactions.
 */
class DeliveryModeTest {

    private static final String COMMIT_STRATEGY = "mp.messaging.incoming.images.commit-strategy";

    @Test
    void atLeastOnceIsTheDefaultAndCommitsThrottled() throws IOException {
        SmallRyeConfig config = config(Map.of());
        assertThat(config.getConfigMapping(DigitflowConfig.class).delivery())
                .isEqualTo(DigitflowConfig.Delivery.AT_LEAST_ONCE);
        assertThat(config.getConfigMapping(DigitflowConfig.class).transactionalId()).isEmpty();
        assertThat(config.getValue(COMMIT_STRATEGY, String.class)).isEqualTo(PatientCommits.NAME);
    }

    @Test
    void exactlyOnceLeavesCommitsToTheTransactions() throws IOException {
        SmallRyeConfig config = config(Map.of("digitflow.delivery", "exactly-once",
                "digitflow.transactional-id", "replica-0"));
        DigitflowConfig digitflow = config.getConfigMapping(DigitflowConfig.class);
        assertThat(digitflow.delivery()).isEqualTo(DigitflowConfig.Delivery.EXACTLY_ONCE);
        assertThat(digitflow.transactionalId()).contains("replica-0");
        assertThat(config.getValue(COMMIT_STRATEGY, String.class)).isEqualTo("ignore");
    }

    private static SmallRyeConfig config(Map<String, String> overrides) {
        return TestConfig.of(overrides);
    }
}
