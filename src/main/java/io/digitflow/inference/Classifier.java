package io.digitflow.inference;

import io.digitflow.Shape;
/**
 * A batch of 28x28 u8 images in, ten probabilities per image out. Implementations are not
 * thread-safe: use one per thread ({@link #copy()}).
 */
public interface Classifier extends AutoCloseable {

    int CLASSES = Shape.CLASSES;

    /** The model version this classifier serves. */
    String version();

    /** The engine that computes, for people: {@code nd4j}, {@code native avx512}, ... */
    String engine();

    /**
     * Classifies {@code images[0..count)}, each 784 bytes row-major (0 = background, 255 = ink),
     * writing {@code count * 10} probabilities into {@code out} in image and digit order.
     */
    void classify(byte[][] images, int count, float[] out);

    /** An independent classifier on the same weights, ready for use by the calling thread. */
    Classifier copy();

    @Override
    void close();

    /** Index of the largest of the ten probabilities of image {@code i} in {@code probabilities}. */
    static int argmax(float[] probabilities, int i) {
        int base = i * CLASSES;
        int best = 0;
        for (int d = 1; d < CLASSES; d++) {
            if (probabilities[base + d] > probabilities[base + best]) {
                best = d;
            }
        }
        return best;
    }
}
