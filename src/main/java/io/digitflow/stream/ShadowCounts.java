package io.digitflow.stream;

/**
 * One poll batch's shadow figures, counted by the inference thread into reused fields: records scored by the
 * candidate, how many of them it gave the serving model's digit, and on labelled records how often each was
 * right; records not scored because the stream was behind. Valid until the next batch.
 */
public final class ShadowCounts {

    private String version;
    private int scored;
    private int agreed;
    private int labelled;
    private int servingCorrect;
    private int candidateCorrect;
    private int skipped;

    void reset() {
        version = null;
        scored = agreed = labelled = servingCorrect = candidateCorrect = skipped = 0;
    }

    void scored(String candidate, int servingDigit, int candidateDigit, int label) {
        version = candidate;
        scored++;
        agreed += servingDigit == candidateDigit ? 1 : 0;
        if (label >= 0) {
            labelled++;
            servingCorrect += servingDigit == label ? 1 : 0;
            candidateCorrect += candidateDigit == label ? 1 : 0;
        }
    }

    void skipped(String candidate, int records) {
        version = candidate;
        skipped += records;
    }

    /** The candidate's version; null when no shadow ran in this batch. */
    public String version() {
        return version;
    }

    public int scored() {
        return scored;
    }

    public int agreed() {
        return agreed;
    }

    public int labelled() {
        return labelled;
    }

    public int servingCorrect() {
        return servingCorrect;
    }

    public int candidateCorrect() {
        return candidateCorrect;
    }

    public int skipped() {
        return skipped;
    }
}
