package io.digitflow.inference;

import io.digitflow.Shape;
import io.digitflow.config.DigitflowConfig;
import io.digitflow.config.DigitflowConfig.Engine;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.jboss.logging.Logger;

import java.util.Random;

/**
 * Chooses the engine for a model ({@link Engine}): {@code nd4j}, {@code native} (the C kernel; failing
 * when it cannot run), {@code auto} (native when it loads and passes its self-test against ND4J, else
 * ND4J) or {@code constant} (no inference at all). The native path is the fastest fp32 one this CPU has
 * unless one is named.
 */
public final class Engines {

    /** Self-test images: enough to catch a wrong layout, cheap enough for every model swap. */
    static final int SELF_TEST_IMAGES = 32;

    private static final Logger LOG = Logger.getLogger(Engines.class);

    private Engines() {
    }

    /** Engine choice as configured: {@code path} is auto or a {@link KernelPath} id. */
    public record Choice(Engine engine, String path) {

        /** The choice the settings {@code digitflow.engine} and {@code digitflow.native-path} make. */
        public static Choice of(DigitflowConfig config) {
            return new Choice(config.engine(), config.nativePath());
        }

        public Choice {
            java.util.Objects.requireNonNull(engine, "engine");
            if (!path.equals("auto")) {
                KernelPath.of(path);
            }
        }

        public static Choice nd4j() {
            return new Choice(Engine.ND4J, "auto");
        }
    }

    /** A classifier for {@code network} with the engine {@code choice} asks for. */
    public static Classifier create(MultiLayerNetwork network, String version, int maxBatch, Choice choice) {
        if (choice.engine() == Engine.CONSTANT) {
            return new ConstantClassifier(version);
        }
        Nd4jClassifier nd4j = new Nd4jClassifier(network, version, maxBatch);
        if (choice.engine() == Engine.ND4J) {
            return nd4j;
        }
        try {
            NativeClassifier nativeClassifier = nativeClassifier(network, version, maxBatch, choice.path());
            selfTest(nativeClassifier, nd4j);
            nd4j.close();
            LOG.infof("Engine: native kernel, path %s, for model %s", nativeClassifier.path().id(), version);
            return nativeClassifier;
        } catch (RuntimeException | UnsatisfiedLinkError e) {
            if (choice.engine() == Engine.NATIVE) {
                nd4j.close();
                throw new IllegalStateException("digitflow.engine=native: " + e.getMessage(), e);
            }
            LOG.infof("Engine: ND4J for model %s (native kernel not used: %s)", version, e.getMessage());
            return nd4j;
        }
    }

    private static NativeClassifier nativeClassifier(MultiLayerNetwork network, String version, int maxBatch, String path) {
        NativeKernel.requireAvailable();
        KernelPath kernelPath = path.equals("auto")
                ? NativeKernel.bestExactPath().orElseThrow(() -> new IllegalStateException("no native path on this CPU"))
                : KernelPath.of(path);
        return new NativeClassifier(DenseWeights.of(network), kernelPath, version, maxBatch);
    }

    /**
     * Runs both engines on the same sparse pseudo-random images and refuses the native one if it
     * disagrees: fp32 paths to 1e-4 per probability, quantised ones on the argmax of clear winners.
     */
    static void selfTest(NativeClassifier candidate, Classifier reference) {
        byte[][] images = selfTestImages();
        float[] expected = new float[SELF_TEST_IMAGES * Classifier.CLASSES];
        float[] actual = new float[expected.length];
        reference.classify(images, SELF_TEST_IMAGES, expected);
        candidate.classify(images, SELF_TEST_IMAGES, actual);
        for (int i = 0; i < SELF_TEST_IMAGES; i++) {
            int base = i * Classifier.CLASSES;
            for (int d = 0; d < Classifier.CLASSES; d++) {
                float difference = Math.abs(expected[base + d] - actual[base + d]);
                boolean fine = candidate.path().exact() ? difference <= 1e-4f : difference <= 0.05f;
                if (!fine || Float.isNaN(actual[base + d])) {
                    throw new IllegalStateException(String.format(
                            "native path %s failed its self-test: image %d digit %d gave %g, ND4J %g",
                            candidate.path().id(), i, d, actual[base + d], expected[base + d]));
                }
            }
        }
    }

    /** Strokes of ink on a blank 28x28 field, like a digit's sparsity, from a fixed seed. */
    static byte[][] selfTestImages() {
        Random random = new Random(784);
        byte[][] images = new byte[SELF_TEST_IMAGES][DenseWeights.PIXELS];
        for (byte[] image : images) {
            for (int stroke = 0; stroke < 3; stroke++) {
                int row = 4 + random.nextInt(20);
                int col = 4 + random.nextInt(20);
                int dr = random.nextInt(3) - 1;
                int dc = random.nextInt(3) - 1;
                for (int step = 0; step < 12; step++) {
                    int r = Math.floorMod(row + step * dr, Shape.SIDE);
                    int c = Math.floorMod(col + step * dc, Shape.SIDE);
                    image[r * Shape.SIDE + c] = (byte) (128 + random.nextInt(128));
                }
            }
        }
        return images;
    }
}
