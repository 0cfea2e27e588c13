package io.digitflow.inference;

import io.digitflow.model.Hyperparameters;
import io.digitflow.model.SeedNetwork;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.lossfunctions.LossFunctions;

import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Whatever reaches the kernel's Java boundary is checked there: bad arguments are refused with an
 * exception that names them, and random sizes and contents never crash the JVM (a crash here would
 * take the test run down with it).
 */
class NativeClassifierBoundaryTest {

    static {
        // ND4J chooses its CPU binary when first touched: in a JVM where this class is first, JavaCPP's own
        // default would load the AVX-512 build even on a CPU without AVX-512 (SIGILL).
        io.digitflow.platform.Nd4jRuntime.ensureTuned();
    }

    private static MultiLayerNetwork network;

    @BeforeAll
    static void seedNetwork() {
        assumeTrue(NativeKernel.isAvailable(), () -> "native kernel not loaded: "
                + NativeKernel.unavailabilityCause().map(Throwable::getMessage).orElse(""));
        network = SeedNetwork.build(Hyperparameters.defaults());
    }

    @Test
    void refusesMissingOrMisshapenInput() {
        try (NativeClassifier kernel = new NativeClassifier(DenseWeights.of(network), KernelPath.PLAIN, "v", 8)) {
            float[] out = new float[40];
            assertThatThrownBy(() -> kernel.classify(null, 1, out)).isInstanceOf(NullPointerException.class)
                    .hasMessageContaining("images");
            assertThatThrownBy(() -> kernel.classify(new byte[][]{new byte[784]}, 1, null))
                    .isInstanceOf(NullPointerException.class).hasMessageContaining("out");
            assertThatThrownBy(() -> kernel.classify(new byte[][]{new byte[783]}, 1, out))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("image 0 has 783 bytes");
            assertThatThrownBy(() -> kernel.classify(new byte[][]{null}, 1, out))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no pixels");
            assertThatThrownBy(() -> kernel.classify(new byte[][]{new byte[784]}, 2, out))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("count 2");
            assertThatThrownBy(() -> kernel.classify(new byte[][]{new byte[784]}, -1, out))
                    .isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> kernel.classify(new byte[5][784], 5, out))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("out holds 40 floats");
        }
    }

    @Test
    void refusesAModelOfAnotherShape() {
        MultiLayerNetwork wider = new MultiLayerNetwork(new NeuralNetConfiguration.Builder().list()
                .layer(new DenseLayer.Builder().nIn(784).nOut(256).activation(Activation.RELU).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nIn(256).nOut(10)
                        .activation(Activation.SOFTMAX).build())
                .build());
        wider.init();
        assertThatThrownBy(() -> DenseWeights.of(wider)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("layer 0 is DenseLayer(784->256");
        assertThatThrownBy(() -> new DenseWeights(new float[10], new float[512], new float[5120], new float[10]))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("first layer weights");
    }

    @Test
    void refusesUseAfterClose() {
        NativeClassifier kernel = new NativeClassifier(DenseWeights.of(network), KernelPath.PLAIN, "v", 1);
        Classifier copy = kernel.copy();
        kernel.close();
        assertThatThrownBy(() -> kernel.classify(new byte[][]{new byte[784]}, 1, new float[10]))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
        // The copy still owns the packed weights.
        float[] out = new float[10];
        copy.classify(new byte[][]{new byte[784]}, 1, out);
        assertThat(sum(out, 0)).isCloseTo(1f, org.assertj.core.data.Offset.offset(1e-4f));
        copy.close();
    }

    @Test
    void survivesRandomSizesAndContentsOnEveryPath() {
        Random random = new Random(42);
        DenseWeights weights = DenseWeights.of(network);
        int refused = 0;
        int classified = 0;
        for (KernelPath path : NativeKernel.availablePaths()) {
            try (NativeClassifier kernel = new NativeClassifier(weights, path, "v", 1 + random.nextInt(64))) {
                for (int round = 0; round < 300; round++) {
                    int rows = random.nextInt(80);
                    byte[][] images = new byte[rows][];
                    for (int i = 0; i < rows; i++) {
                        int length = random.nextInt(10) == 0 ? random.nextInt(1600) : 784;
                        images[i] = random.nextInt(50) == 0 ? null : new byte[length];
                        if (images[i] != null) {
                            random.nextBytes(images[i]);
                        }
                    }
                    int count = random.nextInt(rows + 3) - 1;
                    float[] out = new float[Math.max(0, random.nextInt(900))];
                    try {
                        kernel.classify(images, count, out);
                        classified++;
                        for (int i = 0; i < count; i++) {
                            assertThat(sum(out, i)).isCloseTo(1f, org.assertj.core.data.Offset.offset(1e-3f));
                        }
                    } catch (IllegalArgumentException | NullPointerException expected) {
                        refused++;
                    }
                }
            }
        }
        assertThat(classified).isPositive();
        assertThat(refused).isPositive();
    }

    private static float sum(float[] probabilities, int image) {
        float sum = 0;
        for (int d = 0; d < 10; d++) {
            float p = probabilities[image * 10 + d];
            assertThat(p).isBetween(0f, 1f);
            sum += p;
        }
        return sum;
    }
}
