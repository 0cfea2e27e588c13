package io.digitflow.inference;

import io.digitflow.data.MnistSplit;
import io.digitflow.model.ModelArtifact;
import io.digitflow.support.TestMnist;
import io.digitflow.support.TestModels;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Every native path this CPU runs against ND4J on the whole 10k MNIST test set: fp32 paths give the
 * same argmax everywhere and probabilities within 1e-4; quantised ones the same argmax on at least
 * 99.9 % of images; every path's accuracy within 0.1 percentage point of ND4J's.
 */
class NativeParityTest {

    private static MnistSplit test;
    private static ModelArtifact model;
    private static float[] reference;
    private static double referenceAccuracy;

    @BeforeAll
    static void classifyWithNd4j() {
        test = TestMnist.get().test();
        model = ModelArtifact.load(TestModels.ensure());
        try (Classifier nd4j = new Nd4jClassifier(model.network(), model.version(), 1000)) {
            reference = classifyAll(nd4j);
        }
        referenceAccuracy = accuracy(reference);
    }

    @Test
    void theKernelBuiltIntoThisJarLoads() {
        boolean shipped = NativeKernel.class.getResource("/native/" + NativeKernel.platform() + "/"
                + NativeKernel.LIBRARY) != null;
        assumeTrue(shipped, "no native kernel built for " + NativeKernel.platform() + " (no C compiler?)");
        assertThat(NativeKernel.unavailabilityCause()).isEmpty();
        assertThat(NativeKernel.availablePaths()).contains(KernelPath.PLAIN);
    }

    @ParameterizedTest
    @EnumSource(KernelPath.class)
    void agreesWithNd4jOnTheWholeTestSet(KernelPath path) {
        assumeTrue(NativeKernel.isAvailable(), () -> "native kernel not loaded: "
                + NativeKernel.unavailabilityCause().map(Throwable::getMessage).orElse(""));
        assumeTrue(NativeKernel.availablePaths().contains(path), () -> "this CPU lacks what " + path.id()
                + " needs; it runs " + NativeKernel.availablePaths());

        float[] actual;
        try (Classifier kernel = new NativeClassifier(DenseWeights.of(model.network()), path, model.version(), 512)) {
            actual = classifyAll(kernel);
        }
        int same = 0;
        float worst = 0;
        for (int i = 0; i < test.count(); i++) {
            same += Classifier.argmax(actual, i) == Classifier.argmax(reference, i) ? 1 : 0;
            float sum = 0;
            for (int d = 0; d < Classifier.CLASSES; d++) {
                float p = actual[i * Classifier.CLASSES + d];
                worst = Math.max(worst, Math.abs(p - reference[i * Classifier.CLASSES + d]));
                sum += p;
            }
            assertThat(sum).as("probabilities of image %d", i).isCloseTo(1f, org.assertj.core.data.Offset.offset(1e-4f));
        }
        double agreement = same / (double) test.count();
        System.out.printf("%s: argmax equal to ND4J on %d/%d, largest probability difference %.2e, accuracy %.4f (ND4J %.4f)%n",
                path.id(), same, test.count(), worst, accuracy(actual), referenceAccuracy);
        if (path.exact()) {
            assertThat(same).isEqualTo(test.count());
            assertThat(worst).isLessThanOrEqualTo(1e-4f);
        } else {
            assertThat(agreement).isGreaterThanOrEqualTo(0.999);
        }
        assertThat(Math.abs(accuracy(actual) - referenceAccuracy)).isLessThanOrEqualTo(0.001);
    }

    private static float[] classifyAll(Classifier classifier) {
        float[] out = new float[test.count() * Classifier.CLASSES];
        int batch = 1000;
        byte[][] images = new byte[batch][];
        float[] part = new float[batch * Classifier.CLASSES];
        for (int start = 0; start < test.count(); start += batch) {
            int n = Math.min(batch, test.count() - start);
            for (int i = 0; i < n; i++) {
                images[i] = test.image(start + i);
            }
            classifier.classify(images, n, part);
            System.arraycopy(part, 0, out, start * Classifier.CLASSES, n * Classifier.CLASSES);
        }
        return out;
    }

    private static double accuracy(float[] probabilities) {
        int right = 0;
        for (int i = 0; i < test.count(); i++) {
            right += Classifier.argmax(probabilities, i) == test.labels()[i] ? 1 : 0;
        }
        return right / (double) test.count();
    }
}
