package io.digitflow.stream;

import io.digitflow.inference.Classifier;
import io.digitflow.inference.ConstantClassifier;
import io.digitflow.input.DecodeLimits;
import io.digitflow.input.ImageDecoder;
import io.digitflow.registry.ServingModel.Experiment.Kind;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Shadow and canary inside one poll batch, without Kafka: which model answers which key, where the shadow's
 * predictions go, what is counted, and that a batch of a stream that is behind is not shadowed.
 */
class ExperimentBatchTest {

    /** Answers the image's first pixel modulo 10, or 0 where that is {@code wrongFrom} or more. */
    private record FirstPixel(String version, int wrongFrom) implements Classifier {
        @Override
        public String engine() {
            return "test";
        }

        @Override
        public void classify(byte[][] images, int count, float[] out) {
            java.util.Arrays.fill(out, 0, count * CLASSES, 0f);
            for (int i = 0; i < count; i++) {
                int digit = (images[i][0] & 0xff) % CLASSES;
                out[i * CLASSES + (digit >= wrongFrom ? 0 : digit)] = 1f;
            }
        }

        @Override
        public Classifier copy() {
            return this;
        }

        @Override
        public void close() {
        }
    }

    private final BatchProcessor processor = new BatchProcessor(new ImageDecoder(DecodeLimits.DEFAULTS),
            RecordBounds.DEFAULTS, 128, "predictions", "predictions.shadow", "dlq", null, null);

    @Test
    void aCanaryAnswersItsShareOfKeysStablyAndTheRestStayWithTheServingModel() throws Exception {
        Classifier serving = new ConstantClassifier("v1");
        BatchProcessor.Candidate canary = new BatchProcessor.Candidate(Kind.CANARY, new FirstPixel("v2", 10), 20, 5000);
        Map<String, String> modelOfKey = new HashMap<>();
        int toCandidate = 0;
        int keys = 10_000;
        for (int round = 0; round < 2; round++) {
            List<ConsumerRecord<String, byte[]>> poll = records(keys, i -> "user-" + i, System.currentTimeMillis());
            BatchProcessor.Output out = processor.process(poll, () -> serving, () -> canary);
            assertThat(out.records()).hasSize(keys);
            for (int i = 0; i < keys; i++) {
                ProducerRecord<String, byte[]> prediction = out.records().get(i);
                assertThat(prediction.topic()).isEqualTo("predictions");
                String model = PredictionJson.read(prediction.value()).model();
                assertThat(model).isEqualTo(CanaryRoute.toCandidate(prediction.key(), 20) ? "v2" : "v1");
                // The candidate's answers are its own: digit = first pixel; the serving model's always 0.
                if (model.equals("v2")) {
                    assertThat(PredictionJson.read(prediction.value()).digit()).isEqualTo(i % 10);
                } else {
                    assertThat(PredictionJson.read(prediction.value()).digit()).isZero();
                }
                String before = modelOfKey.put(prediction.key(), model);
                assertThat(before == null || before.equals(model)).as("key %s stays with its model", prediction.key())
                        .isTrue();
                toCandidate += round == 0 && model.equals("v2") ? 1 : 0;
            }
            assertThat(out.models()).contains("v1", "v2");
        }
        assertThat(toCandidate / (double) keys).isBetween(0.17, 0.23);
        // No key: always the serving model.
        assertThat(CanaryRoute.toCandidate(null, 99)).isFalse();
    }

    @Test
    void aShadowScoresEveryImageOntoItsOwnTopicAndCountsAgreementAndAccuracy() throws Exception {
        Classifier serving = new FirstPixel("v1", 10);
        // Disagrees on every image whose first pixel is 7, 8 or 9: 30 % of them.
        BatchProcessor.Candidate shadow = new BatchProcessor.Candidate(Kind.SHADOW, new FirstPixel("v2", 7), 0, 60_000);
        int n = 1000;
        List<ConsumerRecord<String, byte[]>> poll = records(n, i -> "k-" + i, System.currentTimeMillis());
        BatchProcessor.Output out = processor.process(poll, () -> serving, () -> shadow);

        assertThat(out.records()).hasSize(2 * n);
        for (int i = 0; i < n; i++) {
            ProducerRecord<String, byte[]> main = out.records().get(i);
            ProducerRecord<String, byte[]> shadowed = out.records().get(n + i);
            assertThat(main.topic()).isEqualTo("predictions");
            assertThat(PredictionJson.read(main.value()).model()).isEqualTo("v1");
            assertThat(shadowed.topic()).isEqualTo("predictions.shadow");
            assertThat(shadowed.key()).isEqualTo(main.key());
            assertThat(PredictionJson.read(shadowed.value()).model()).isEqualTo("v2");
            assertThat(PredictionJson.read(shadowed.value()).offset()).isEqualTo(PredictionJson.read(main.value()).offset());
            assertThat(out.inputIndex(n + i)).isEqualTo(i);
        }
        ShadowCounts counts = out.shadow();
        assertThat(counts.version()).isEqualTo("v2");
        assertThat(counts.scored()).isEqualTo(n);
        assertThat(counts.agreed()).isEqualTo(700);
        // Labels say the first pixel's digit: the serving model is always right, the candidate on 70 %.
        assertThat(counts.labelled()).isEqualTo(n);
        assertThat(counts.servingCorrect()).isEqualTo(n);
        assertThat(counts.candidateCorrect()).isEqualTo(700);
        assertThat(out.models()).containsExactly("v1", "v2", "v1", "v2", "v1", "v2", "v1", "v2", "v1", "v2",
                "v1", "v2", "v1", "v2", "v1", "v2");
    }

    @Test
    void aBatchOfAStreamThatIsBehindIsNotShadowedButCounted() {
        Classifier serving = new ConstantClassifier("v1");
        BatchProcessor.Candidate shadow = new BatchProcessor.Candidate(Kind.SHADOW, new FirstPixel("v2", 10), 0, 5_000);
        List<ConsumerRecord<String, byte[]>> old = records(300, i -> "k-" + i, System.currentTimeMillis() - 60_000);

        BatchProcessor.Output out = processor.process(old, () -> serving, () -> shadow);

        assertThat(out.records()).hasSize(300).allMatch(r -> r.topic().equals("predictions"));
        assertThat(out.shadow().scored()).isZero();
        assertThat(out.shadow().skipped()).isEqualTo(300);
        assertThat(out.shadow().version()).isEqualTo("v2");
    }

    private static List<ConsumerRecord<String, byte[]>> records(int n, java.util.function.IntFunction<String> key,
                                                                long timestamp) {
        List<ConsumerRecord<String, byte[]>> poll = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            byte[] image = new byte[784];
            image[0] = (byte) (i % 10);
            RecordHeaders headers = new RecordHeaders();
            headers.add(StreamTap.LABEL_HEADER, new byte[] {(byte) ('0' + i % 10)});
            poll.add(new ConsumerRecord<>("images", i % 3, i, timestamp, TimestampType.CREATE_TIME, -1, 784,
                    key.apply(i), image, headers, Optional.empty()));
        }
        return poll;
    }
}
