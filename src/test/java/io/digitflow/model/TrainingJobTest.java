package io.digitflow.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.digitflow.data.MnistData;
import io.digitflow.inference.Classifier;
import io.digitflow.inference.Nd4jClassifier;
import io.digitflow.support.TestMnist;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The bundled training job on the real MNIST data: quality, reproducibility, the artifact. */
class TrainingJobTest {

    static {
        // ND4J chooses its CPU binary when first touched: in a JVM where this class is first, JavaCPP's own
        // default would load the AVX-512 build even on a CPU without AVX-512 (SIGILL).
        io.digitflow.platform.Nd4jRuntime.ensureTuned();
    }

    private static final Hyperparameters ONE_EPOCH = new Hyperparameters(1, 128, 0.001, 0.9, 1e-7, 7);

    @TempDir
    static Path models;

    static MnistData mnist;
    static TrainingJob.Outcome first;
    static TrainingJob.Outcome second;
    static List<String> progress = new ArrayList<>();

    @BeforeAll
    static void trainTwiceWithTheSameSeed() {
        mnist = TestMnist.get();
        ModelStore store = new ModelStore(models);
        first = new TrainingJob().run(mnist, ONE_EPOCH, store, models.resolve("first"), new Trainer.Progress() {
            @Override
            public void epochDone(EpochStats stats, int epochs) {
                progress.add(stats.epoch() + "/" + epochs);
            }
        });
        second = new TrainingJob().run(mnist, ONE_EPOCH, store, models.resolve("second"), new Trainer.Progress() {
        });
    }

    @Test
    void oneEpochOnRealMnistReachesAtLeast95PercentTestAccuracy() {
        assertThat(first.evaluation().accuracy()).isGreaterThanOrEqualTo(0.95);
        assertThat(first.artifact().metadata().history()).hasSize(1);
        EpochStats epoch = first.artifact().metadata().history().get(0);
        assertThat(epoch.accuracy()).isBetween(0.85, 1.0);
        assertThat(epoch.loss()).isBetween(0.0, 0.6);
        assertThat(progress).containsExactly("1/1");
    }

    @Test
    void theSameSeedGivesTheSameMetrics() {
        assertThat(second.evaluation().accuracy()).isEqualTo(first.evaluation().accuracy());
        assertThat(second.evaluation().loss()).isEqualTo(first.evaluation().loss());
        assertThat(second.evaluation().confusion()).isDeepEqualTo(first.evaluation().confusion());
        EpochStats a = first.artifact().metadata().history().get(0);
        EpochStats b = second.artifact().metadata().history().get(0);
        assertThat(b.loss()).isEqualTo(a.loss());
        assertThat(b.accuracy()).isEqualTo(a.accuracy());
    }

    @Test
    void modelJsonHoldsWhatTheIssueAsksForInPlainCamelCaseJson() throws Exception {
        JsonNode json = new ObjectMapper().readTree(first.artifact().folder().resolve("model.json").toFile());
        assertThat(json.get("version").asText()).isEqualTo("first");
        assertThat(json.get("createdAt").asText()).isNotBlank();
        assertThat(json.get("testAccuracy").isNumber()).isTrue();
        assertThat(json.get("testAccuracy").asDouble()).isBetween(0.95, 1.0);
        assertThat(json.get("hyperparameters").get("batchSize").asInt()).isEqualTo(128);
        assertThat(json.get("hyperparameters").get("learningRate").asDouble()).isEqualTo(0.001);
        assertThat(json.get("datasetSha256")).hasSize(4);
        assertThat(json.get("history").get(0).get("seconds").asDouble()).isPositive();
        assertThat(json.get("confusionMatrix")).hasSize(10);
        assertThat(json.get("confusionMatrix").get(3)).hasSize(10);
        int total = 0;
        for (JsonNode row : json.get("confusionMatrix")) {
            for (JsonNode cell : row) {
                total += cell.asInt();
            }
        }
        assertThat(total).isEqualTo(10_000);
        assertThat(json.get("perClass")).hasSize(10);
        assertThat(json.get("perClass").get(0).get("precision").asDouble()).isBetween(0.9, 1.0);
        assertThat(json.get("trainingSeconds").asDouble()).isPositive();
        assertThat(json.get("backend").get("backend").asText()).isEqualTo("CpuBackend");
        assertThat(json.get("backend").get("nd4jBinary").asText()).startsWith("linux-x86_64");
    }

    @Test
    void aReloadedModelGivesBitIdenticalProbabilities() {
        ModelArtifact reloaded = ModelArtifact.load(first.artifact().folder());
        assertThat(reloaded.metadata().testAccuracy()).isEqualTo(first.evaluation().accuracy());
        byte[][] images = new byte[64][];
        for (int i = 0; i < images.length; i++) {
            images[i] = mnist.test().image(i);
        }
        float[] before = new float[64 * 10];
        float[] after = new float[64 * 10];
        try (Classifier a = new Nd4jClassifier(first.artifact().network(), "a", 64);
             Classifier b = new Nd4jClassifier(reloaded.network(), "b", 64)) {
            a.classify(images, 64, before);
            b.classify(images, 64, after);
        }
        assertThat(after).containsExactly(before);
    }

    @Test
    void theClassifierAgreesWithDl4jOutputAndItsProbabilitiesSumToOne() {
        int n = 37; // not a power of two, not the engine batch size
        byte[][] images = new byte[n][];
        float[] input = new float[n * 784];
        for (int i = 0; i < n; i++) {
            images[i] = mnist.test().image(100 + i);
            for (int p = 0; p < 784; p++) {
                input[i * 784 + p] = (images[i][p] & 0xFF) / 255f;
            }
        }
        float[] ours = new float[n * 10];
        try (Classifier classifier = new Nd4jClassifier(first.artifact().network(), "x", 16)) {
            classifier.classify(images, n, ours);
        }
        INDArray reference = first.artifact().network().output(Nd4j.create(input, new long[]{n, 784}));
        for (int i = 0; i < n; i++) {
            float sum = 0;
            for (int d = 0; d < 10; d++) {
                assertThat(ours[i * 10 + d]).isCloseTo(reference.getFloat(i, d), org.assertj.core.data.Offset.offset(1e-6f));
                sum += ours[i * 10 + d];
            }
            assertThat(sum).isCloseTo(1f, org.assertj.core.data.Offset.offset(1e-5f));
        }
    }
}
