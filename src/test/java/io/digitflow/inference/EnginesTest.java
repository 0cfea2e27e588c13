package io.digitflow.inference;

import io.digitflow.Shape;
import io.digitflow.config.DigitflowConfig.Engine;
import io.digitflow.model.Hyperparameters;
import io.digitflow.model.SeedNetwork;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Engine choice: what auto, native and nd4j give, and how a bad choice is reported. */
class EnginesTest {

    static {
        // ND4J chooses its CPU binary when first touched: in a JVM where this class is first, JavaCPP's own
        // default would load the AVX-512 build even on a CPU without AVX-512 (SIGILL).
        io.digitflow.platform.Nd4jRuntime.ensureTuned();
    }

    private static MultiLayerNetwork network;

    @BeforeAll
    static void seedNetwork() {
        network = SeedNetwork.build(Hyperparameters.defaults());
    }

    @Test
    void nd4jIsUsedWhenAskedFor() {
        try (Classifier classifier = Engines.create(network, "v1", 16, Engines.Choice.nd4j())) {
            assertThat(classifier).isInstanceOf(Nd4jClassifier.class);
        }
    }

    @Test
    void autoTakesTheFastestExactNativePathWhenTheKernelLoads() {
        assumeTrue(NativeKernel.isAvailable(), "native kernel not loaded");
        try (Classifier classifier = Engines.create(network, "v1", 16, new Engines.Choice(Engine.AUTO, "auto"))) {
            assertThat(classifier).isInstanceOf(NativeClassifier.class);
            assertThat(((NativeClassifier) classifier).path()).isEqualTo(NativeKernel.bestExactPath().orElseThrow());
            assertThat(((NativeClassifier) classifier).path().exact()).isTrue();
        }
    }

    @Test
    void aNamedPathIsUsed() {
        assumeTrue(NativeKernel.isAvailable(), "native kernel not loaded");
        try (Classifier classifier = Engines.create(network, "v1", 16, new Engines.Choice(Engine.NATIVE, "plain"))) {
            assertThat(((NativeClassifier) classifier).path()).isEqualTo(KernelPath.PLAIN);
        }
    }

    @Test
    void aPathThisCpuLacksFailsWithNativeAndFallsBackWithAuto() {
        assumeTrue(NativeKernel.isAvailable(), "native kernel not loaded");
        KernelPath missing = java.util.Arrays.stream(KernelPath.values())
                .filter(p -> !NativeKernel.availablePaths().contains(p)).findFirst().orElse(null);
        assumeTrue(missing != null, "this CPU runs every path");
        assertThatThrownBy(() -> Engines.create(network, "v1", 16, new Engines.Choice(Engine.NATIVE, missing.id())))
                .hasMessageContaining("digitflow.engine=native").hasMessageContaining(missing.id());
        try (Classifier classifier = Engines.create(network, "v1", 16, new Engines.Choice(Engine.AUTO, missing.id()))) {
            assertThat(classifier).isInstanceOf(Nd4jClassifier.class);
        }
    }

    @Test
    void theSelfTestRefusesAKernelThatDisagreesWithNd4j() {
        assumeTrue(NativeKernel.isAvailable(), "native kernel not loaded");
        MultiLayerNetwork other = SeedNetwork.build(new Hyperparameters(5, 128, 0.001, 0.9, 1e-7, 99));
        try (NativeClassifier wrong = new NativeClassifier(DenseWeights.of(other), KernelPath.PLAIN, "v", 32);
             Classifier reference = new Nd4jClassifier(network, "v", 32)) {
            assertThatThrownBy(() -> Engines.selfTest(wrong, reference)).hasMessageContaining("failed its self-test");
        }
        try (NativeClassifier right = new NativeClassifier(DenseWeights.of(network), KernelPath.PLAIN, "v", 32);
             Classifier reference = new Nd4jClassifier(network, "v", 32)) {
            Engines.selfTest(right, reference);
        }
    }

    @Test
    void anUnknownNativePathIsNamed() {
        assertThatThrownBy(() -> new Engines.Choice(Engine.AUTO, "amx")).hasMessageContaining("unknown native path 'amx'");
    }

    @Test
    void constantNeedsNoInferenceAndAnswersZero() {
        try (Classifier classifier = Engines.create(network, "v1", 16, new Engines.Choice(Engine.CONSTANT, "auto"))) {
            assertThat(classifier.engine()).isEqualTo("constant");
            assertThat(classifier.version()).isEqualTo("v1");
            float[] out = new float[2 * Classifier.CLASSES];
            classifier.classify(new byte[][] {new byte[Shape.PIXELS], new byte[Shape.PIXELS]}, 2, out);
            assertThat(out[0]).isEqualTo(1f);
            assertThat(out[Classifier.CLASSES]).isEqualTo(1f);
        }
    }
}
