package io.digitflow.model;

import io.digitflow.data.MnistSplit;
import io.digitflow.inference.Classifier;

/** A model's results on a labelled split: accuracy, loss, confusion matrix, per-class figures. */
public record Evaluation(double accuracy, double loss, int[][] confusion, int[] predicted, float[] probabilities) {

    private static final int BATCH = 1000;
    // Keras clips probabilities to [1e-7, 1 - 1e-7] before the log; so do we, to report comparable losses.
    private static final double CLIP = 1e-7;

    /** Runs {@code classifier} over the whole split. */
    public static Evaluation of(Classifier classifier, MnistSplit split) {
        int n = split.count();
        int classes = Classifier.CLASSES;
        float[] probabilities = new float[n * classes];
        int[] predicted = new int[n];
        int[][] confusion = new int[classes][classes];
        byte[][] batch = new byte[BATCH][];
        float[] out = new float[BATCH * classes];
        double lossSum = 0;
        int correct = 0;
        for (int from = 0; from < n; from += BATCH) {
            int count = Math.min(BATCH, n - from);
            for (int i = 0; i < count; i++) {
                batch[i] = split.image(from + i);
            }
            classifier.classify(batch, count, out);
            System.arraycopy(out, 0, probabilities, from * classes, count * classes);
            for (int i = 0; i < count; i++) {
                int label = split.label(from + i);
                int guess = Classifier.argmax(out, i);
                predicted[from + i] = guess;
                confusion[label][guess]++;
                if (guess == label) {
                    correct++;
                }
                double p = Math.min(Math.max(out[i * classes + label], CLIP), 1 - CLIP);
                lossSum -= Math.log(p);
            }
        }
        return new Evaluation((double) correct / n, lossSum / n, confusion, predicted, probabilities);
    }

    /** Of the images predicted as {@code digit}, the share that were. */
    public double precision(int digit) {
        int predictedAs = 0;
        for (int[] row : confusion) {
            predictedAs += row[digit];
        }
        return predictedAs == 0 ? 0 : (double) confusion[digit][digit] / predictedAs;
    }

    /** Of the images of {@code digit}, the share predicted as such. */
    public double recall(int digit) {
        int support = support(digit);
        return support == 0 ? 0 : (double) confusion[digit][digit] / support;
    }

    public int support(int digit) {
        int sum = 0;
        for (int count : confusion[digit]) {
            sum += count;
        }
        return sum;
    }
}
