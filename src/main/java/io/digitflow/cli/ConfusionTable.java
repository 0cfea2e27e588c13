package io.digitflow.cli;

import io.digitflow.model.Evaluation;

import java.util.Locale;

/** The confusion matrix and per-digit precision/recall as a text table. */
final class ConfusionTable {

    private ConfusionTable() {
    }

    static String format(Evaluation evaluation) {
        int[][] m = evaluation.confusion();
        StringBuilder sb = new StringBuilder("true\\pred");
        for (int d = 0; d < m.length; d++) {
            sb.append(String.format(Locale.ROOT, "%6d", d));
        }
        sb.append("   precision  recall\n");
        for (int t = 0; t < m.length; t++) {
            sb.append(String.format(Locale.ROOT, "%9d", t));
            for (int p = 0; p < m.length; p++) {
                sb.append(String.format(Locale.ROOT, "%6d", m[t][p]));
            }
            sb.append(String.format(Locale.ROOT, "   %9.4f  %6.4f%n", evaluation.precision(t), evaluation.recall(t)));
        }
        return sb.toString();
    }
}
