package io.digitflow.stream;

import io.digitflow.config.DigitflowConfig;
import io.digitflow.support.TestConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

/** Labels arriving after their predictions: matched by key within the window and the ring, each counted once. */
class LabelJoinTest {

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final DigitflowConfig config = TestConfig.digitflow(Map.of());
    private final LiveQuality quality = new LiveQuality(registry, config.monitoring(), v -> Optional.empty());

    @Test
    void aLabelCountsItsKeysPredictionOnceForTheModelThatMadeIt() {
        LabelJoin join = new LabelJoin(100, Duration.ofMinutes(10), quality, registry, Map.of(), "labeled");
        QualityTally tally = new QualityTally();
        tally.prediction("a", "v1", 7, 0.9f, -1);
        tally.prediction("b", "v1", 3, 0.9f, -1);
        tally.prediction("c", "v2", 1, 0.9f, -1);
        tally.prediction("d", "v1", 4, 0.9f, 4); // labelled by its header already: counted by LiveQuality
        tally.prediction(null, "v1", 5, 0.9f, -1);
        join.record(tally);
        long now = System.currentTimeMillis();

        assertThat(join.label("a", 7, now)).isTrue();
        assertThat(join.label("b", 5, now)).isTrue();
        assertThat(join.label("c", 1, now)).isTrue();
        assertThat(join.label("a", 7, now)).as("a second label for the same prediction").isFalse();
        assertThat(join.label("d", 4, now)).as("already counted from its header").isFalse();
        assertThat(join.label("zzz", 4, now)).as("another replica's key").isFalse();
        assertThat(join.label(null, 4, now)).isFalse();

        assertThat(quality.accuracy("v1")).contains(0.5);
        assertThat(quality.accuracy("v2")).contains(1.0);
        assertThat(registry.get("digitflow.live.labels.joined").counter().count()).isEqualTo(3);
        assertThat(registry.get("digitflow.live.labels.unmatched").counter().count()).isEqualTo(2);
    }

    @Test
    void theRingAndTheWindowBoundWhatIsRemembered() {
        LabelJoin join = new LabelJoin(3, Duration.ofSeconds(60), quality, registry, Map.of(), "labeled");
        QualityTally tally = new QualityTally();
        for (String key : new String[] {"k1", "k2", "k3", "k4", "k2"}) {
            tally.prediction(key, "v1", 1, 0.9f, -1);
        }
        join.record(tally);
        long now = System.currentTimeMillis();
        assertThat(join.label("k1", 1, now)).as("pushed out of the ring").isFalse();
        assertThat(join.label("k3", 1, now + 61_000)).as("label after the window").isFalse();
        assertThat(join.label("k2", 1, now)).as("the latest prediction of a key that came twice").isTrue();
        assertThat(join.label("k4", 1, now)).isTrue();
        assertThat(quality.accuracy("v1")).contains(1.0);
    }

    @Test
    void labelsAreReadLikeRetrainingReadsThem() {
        assertThat(LabelJoin.labelOf(record("{\"label\":7,\"pixels\":[0,0]}", null))).isEqualTo(7);
        assertThat(LabelJoin.labelOf(record("{\"id\":\"x\",\"nested\":{\"label\":2},\"label\":\"3\"}", null))).isEqualTo(3);
        assertThat(LabelJoin.labelOf(record("{\"label\":12}", null))).isEqualTo(-1);
        assertThat(LabelJoin.labelOf(record("{\"pixels\":[1,2,3]}", null))).isEqualTo(-1);
        assertThat(LabelJoin.labelOf(record("{\"label\":", null))).isEqualTo(-1);
        assertThat(LabelJoin.labelOf(record("raw bytes", "5"))).isEqualTo(5);
        assertThat(LabelJoin.labelOf(record("{\"label\":1}", "eight"))).as("the header wins, and is bad").isEqualTo(-1);
        assertThat(LabelJoin.labelOf(new ConsumerRecord<>("labeled", 0, 0, "k", null))).isEqualTo(-1);
    }

    private static ConsumerRecord<String, byte[]> record(String value, String header) {
        ConsumerRecord<String, byte[]> record = new ConsumerRecord<>("labeled", 0, 0, "k", value.getBytes(UTF_8));
        if (header != null) {
            record.headers().add(LabelJoin.LABEL_HEADER, header.getBytes(UTF_8));
        }
        return record;
    }
}
