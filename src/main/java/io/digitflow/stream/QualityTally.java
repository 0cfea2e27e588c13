package io.digitflow.stream;

import io.digitflow.inference.Classifier;

import java.util.Arrays;

/**
 * What one poll batch's predictions looked like, in primitive arrays the inference thread reuses: the
 * predicted digits in order, their confidences, and per model version how many carried a label and how
 * many of those were right. Filled by {@link BatchProcessor}, read by {@link LiveQuality} on the same
 * thread before the next batch; no object per record.
 */
final class QualityTally {

    /** Versions in one poll batch: a model swapped in mid-batch makes two; more are merged into the last. */
    private static final int MAX_VERSIONS = 4;

    private byte[] digits = new byte[256];
    private float[] confidences = new float[256];
    /** Per prediction, for {@link LabelJoin}: the record's key, the model that answered, whether a header labelled it. */
    private String[] keys = new String[256];
    private String[] models = new String[256];
    private boolean[] headerLabelled = new boolean[256];
    private int count;
    private final String[] versions = new String[MAX_VERSIONS];
    private final int[] labeled = new int[MAX_VERSIONS];
    private final int[] correct = new int[MAX_VERSIONS];
    private int versionCount;

    void reset() {
        Arrays.fill(keys, 0, count, null);
        Arrays.fill(models, 0, count, null);
        count = 0;
        Arrays.fill(versions, 0, versionCount, null);
        Arrays.fill(labeled, 0, versionCount, 0);
        Arrays.fill(correct, 0, versionCount, 0);
        versionCount = 0;
    }

    /**
     * One prediction of {@code version}: {@code label} is the true digit from the input's label header, or
     * -1 when it carries none.
     */
    void prediction(String key, String version, int digit, float confidence, int label) {
        if (count == digits.length) {
            digits = Arrays.copyOf(digits, count * 2);
            confidences = Arrays.copyOf(confidences, count * 2);
            keys = Arrays.copyOf(keys, count * 2);
            models = Arrays.copyOf(models, count * 2);
            headerLabelled = Arrays.copyOf(headerLabelled, count * 2);
        }
        digits[count] = (byte) digit;
        confidences[count] = confidence;
        keys[count] = key;
        models[count] = version;
        headerLabelled[count] = label >= 0;
        count++;
        if (label >= 0) {
            int slot = slot(version);
            labeled[slot]++;
            if (label == digit) {
                correct[slot]++;
            }
        }
    }

    private int slot(String version) {
        for (int i = 0; i < versionCount; i++) {
            if (versions[i].equals(version)) {
                return i;
            }
        }
        if (versionCount == MAX_VERSIONS) {
            return MAX_VERSIONS - 1;
        }
        versions[versionCount] = version;
        return versionCount++;
    }

    int count() {
        return count;
    }

    int digit(int i) {
        return digits[i];
    }

    float confidence(int i) {
        return confidences[i];
    }

    String key(int i) {
        return keys[i];
    }

    String model(int i) {
        return models[i];
    }

    boolean headerLabelled(int i) {
        return headerLabelled[i];
    }

    int versionCount() {
        return versionCount;
    }

    String version(int slot) {
        return versions[slot];
    }

    int labeled(int slot) {
        return labeled[slot];
    }

    int correct(int slot) {
        return correct[slot];
    }

    /** The true digit a record's label header names: one ASCII digit; -1 for anything else. */
    static int label(byte[] header) {
        if (header == null || header.length != 1) {
            return -1;
        }
        int digit = header[0] - '0';
        return digit >= 0 && digit < Classifier.CLASSES ? digit : -1;
    }
}
