package io.digitflow.inference;

import java.util.Arrays;

/**
 * Answers 0 with certainty for every image, at no cost. Only for measuring the Kafka-only ceiling
 * of the pipeline ({@code digitflow.engine=constant}); never a real engine.
 */
public final class ConstantClassifier implements Classifier {

    private final String version;

    public ConstantClassifier(String version) {
        this.version = version;
    }

    @Override
    public String engine() {
        return "constant";
    }

    @Override
    public String version() {
        return version;
    }

    @Override
    public void classify(byte[][] images, int count, float[] out) {
        Arrays.fill(out, 0, count * CLASSES, 0f);
        for (int i = 0; i < count; i++) {
            out[i * CLASSES] = 1f;
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
