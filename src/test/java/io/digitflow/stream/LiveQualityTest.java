package io.digitflow.stream;

import io.digitflow.StartupFailure;
import io.digitflow.config.DigitflowConfig;
import io.digitflow.support.TestConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class LiveQualityTest {

    private static final double[] UNIFORM = uniform();

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

    private LiveQuality quality(Map<String, String> settings) {
        DigitflowConfig config = TestConfig.digitflow(settings);
        return new LiveQuality(registry, config.monitoring(), version -> version.startsWith("v")
                ? Optional.of(UNIFORM) : Optional.empty());
    }

    @Test
    void liveAccuracyPerModelVersionFromLabelledPredictionsOnly() {
        LiveQuality quality = quality(Map.of());
        QualityTally tally = new QualityTally();
        tally.prediction(null, "v1", 7, 0.99f, 7);
        tally.prediction(null, "v1", 3, 0.60f, 5);
        tally.prediction(null, "v1", 2, 0.95f, -1);
        tally.prediction(null, "v2", 1, 0.97f, 1);
        quality.record(tally, "v2");
        tally.reset();
        tally.prediction(null, "v1", 4, 0.91f, 4);
        quality.record(tally, "v2");

        assertThat(quality.accuracy("v1")).hasValueSatisfying(a -> assertThat(a).isCloseTo(2.0 / 3, within(1e-12)));
        assertThat(quality.accuracy("v2")).contains(1.0);
        assertThat(registry.get("digitflow.live.labeled").tag("model", "v1").counter().count()).isEqualTo(3);
        assertThat(registry.get("digitflow.live.correct").tag("model", "v1").counter().count()).isEqualTo(2);
        assertThat(registry.get("digitflow.live.accuracy").tag("model", "v1").gauge().value())
                .isCloseTo(2.0 / 3, within(1e-12));
        assertThat(registry.get("digitflow.predictions.digit").tag("digit", "7").counter().count()).isEqualTo(1);
        assertThat(registry.get("digitflow.prediction.confidence").summary().count()).isEqualTo(5);
        // 0.60 only: 0.91, 0.95, 0.97 and 0.99 are at least 0.9.
        assertThat(registry.get("digitflow.predictions.low.confidence").counter().count()).isEqualTo(1);
    }

    @Test
    void driftIsSmallForTrafficLikeTheTestSetAndLargeForOneDigit() {
        LiveQuality quality = quality(Map.of("digitflow.monitoring.drift-window", "1000"));
        QualityTally tally = new QualityTally();
        for (int i = 0; i < 1000; i++) {
            tally.prediction(null, "v1", i % 10, 0.99f, -1);
        }
        quality.record(tally, "v1");
        assertThat(quality.drift()).hasValueSatisfying(d -> assertThat(d).isCloseTo(0, within(1e-9)));
        assertThat(quality.driftAlarm()).isFalse();

        tally.reset();
        for (int i = 0; i < 1000; i++) {
            tally.prediction(null, "v1", 7, 0.99f, -1);
        }
        quality.record(tally, "v1");
        // The window holds the last 1,000 predictions: all sevens, 0.9 away from uniform.
        assertThat(quality.drift()).hasValueSatisfying(d -> assertThat(d).isCloseTo(0.9, within(1e-9)));
        assertThat(quality.driftAlarm()).isTrue();
        assertThat(new DriftCheck(quality).call().getStatus().name()).isEqualTo("DOWN");
        assertThat(registry.get("digitflow.prediction.drift").gauge().value()).isCloseTo(0.9, within(1e-9));
    }

    @Test
    void aNewServingVersionRestartsTheWindowAndAModelWithoutTestFiguresHasNoDrift() {
        LiveQuality quality = quality(Map.of());
        QualityTally tally = new QualityTally();
        for (int i = 0; i < 500; i++) {
            tally.prediction(null, "v1", 7, 0.99f, -1);
        }
        quality.record(tally, "v1");
        assertThat(quality.driftAlarm()).isTrue();

        tally.reset();
        tally.prediction(null, "constant", 0, 1f, -1);
        quality.record(tally, "constant");
        assertThat(quality.windowFill()).isEqualTo(1);
        assertThat(quality.drift()).isEmpty();
        assertThat(quality.driftAlarm()).isFalse();
        assertThat(new DriftCheck(quality).call().getStatus().name()).isEqualTo("UP");
    }

    @Test
    void tooFewPredictionsMeasureNoDrift() {
        LiveQuality quality = quality(Map.of());
        QualityTally tally = new QualityTally();
        for (int i = 0; i < LiveQuality.MIN_DRIFT_SAMPLES - 1; i++) {
            tally.prediction(null, "v1", 7, 0.99f, -1);
        }
        quality.record(tally, "v1");
        assertThat(quality.drift()).isEmpty();
    }

    @Test
    void seriesOfOldModelVersionsAreDroppedBeyondTheBound() {
        LiveQuality quality = quality(Map.of("digitflow.monitoring.max-model-series", "2"));
        QualityTally tally = new QualityTally();
        for (String version : new String[] {"v1", "v2", "v3"}) {
            tally.reset();
            tally.prediction(null, version, 1, 0.99f, 1);
            quality.record(tally, version);
        }
        assertThat(registry.find("digitflow.live.accuracy").tag("model", "v1").gauge()).isNull();
        assertThat(registry.find("digitflow.live.labeled").tag("model", "v1").counter()).isNull();
        assertThat(registry.find("digitflow.live.accuracy").tag("model", "v3").gauge()).isNotNull();
        assertThat(quality.accuracy("v1")).isEmpty();
    }

    /** Tests start several applications in one JVM, each with a new LiveQuality on the same registry. */
    @Test
    void aLaterInstanceOnTheSameRegistryOwnsTheGaugesAndStartsFromZero() {
        LiveQuality first = quality(Map.of());
        QualityTally tally = new QualityTally();
        tally.prediction(null, "v1", 1, 0.99f, 1);
        first.record(tally, "v1");

        LiveQuality second = quality(Map.of());
        for (int i = 0; i < LiveQuality.MIN_DRIFT_SAMPLES; i++) {
            tally.prediction(null, "v1", 7, 0.99f, 7);
        }
        second.record(tally, "v1");
        assertThat(registry.get("digitflow.prediction.drift").gauge().value()).isCloseTo(0.9, within(0.01));
        assertThat(registry.get("digitflow.live.labeled").tag("model", "v1").counter().count())
                .isEqualTo(LiveQuality.MIN_DRIFT_SAMPLES + 1);
        assertThat(registry.get("digitflow.live.accuracy").tag("model", "v1").gauge().value()).isEqualTo(1.0);
    }

    @Test
    void labelHeadersOtherThanOneDigitAreNoLabel() {
        assertThat(QualityTally.label("7".getBytes())).isEqualTo(7);
        assertThat(QualityTally.label("10".getBytes())).isEqualTo(-1);
        assertThat(QualityTally.label("x".getBytes())).isEqualTo(-1);
        assertThat(QualityTally.label(new byte[0])).isEqualTo(-1);
        assertThat(QualityTally.label(null)).isEqualTo(-1);
    }

    @Test
    void settingsOutOfRangeAreOneClearStartupFailure() {
        assertThatThrownBy(() -> quality(Map.of("digitflow.monitoring.drift-alarm", "0")))
                .isInstanceOf(StartupFailure.class).hasMessageContaining("drift alarm");
        assertThatThrownBy(() -> quality(Map.of("digitflow.monitoring.drift-window", "10")))
                .isInstanceOf(StartupFailure.class).hasMessageContaining("drift window");
    }

    private static double[] uniform() {
        double[] share = new double[10];
        Arrays.fill(share, 0.1);
        return share;
    }
}
