package io.digitflow.report;

import java.util.Locale;

/**
 * Draws class probabilities as horizontal bars for the terminal, for {@code predict}:
 * {@code → 7 ██████████████████████████████ 0.99993}, one line per class, the chosen one marked.
 */
public final class ProbabilityBars {

    /** Characters in a full bar (probability 1). */
    public static final int WIDTH = 30;
    /** Marks the highlighted class. */
    public static final String ARROW = "→";

    // Eighth blocks: a bar ends within 1/240 of its value instead of rounding to whole characters.
    private static final String EIGHTHS = " ▏▎▍▌▋▊▉";

    private ProbabilityBars() {
    }

    /** Bars for every class, the most probable one marked. */
    public static String render(float[] probabilities) {
        return render(probabilities, argmax(probabilities));
    }

    /**
     * One line per class, numbered from 0, each ending in a newline: the arrow on the line of
     * class {@code highlight} (-1 for none), the bar, the probability to five decimals.
     */
    public static String render(float[] probabilities, int highlight) {
        if (highlight < -1 || highlight >= probabilities.length) {
            throw new IllegalArgumentException("class " + highlight + " to highlight is not one of the "
                    + probabilities.length + " classes");
        }
        int labelWidth = Integer.toString(Math.max(0, probabilities.length - 1)).length();
        StringBuilder out = new StringBuilder();
        for (int k = 0; k < probabilities.length; k++) {
            out.append(k == highlight ? ARROW : " ").append(' ')
                    .append(String.format(Locale.ROOT, "%" + labelWidth + "d", k)).append(' ')
                    .append(bar(probabilities[k])).append(' ')
                    .append(String.format(Locale.ROOT, "%7.5f", probabilities[k])).append('\n');
        }
        return out.toString();
    }

    /** The index of the largest probability; the first one on a tie; NaN skipped; -1 for none. */
    public static int argmax(float[] probabilities) {
        int best = -1;
        for (int k = 0; k < probabilities.length; k++) {
            if (!Float.isNaN(probabilities[k]) && (best < 0 || probabilities[k] > probabilities[best])) {
                best = k;
            }
        }
        return best;
    }

    /** Exactly {@link #WIDTH} characters, padded with spaces so the numbers line up. */
    static String bar(float probability) {
        double p = Float.isNaN(probability) ? 0 : Math.max(0, Math.min(1, probability));
        int eighths = (int) Math.round(p * WIDTH * 8);
        StringBuilder bar = new StringBuilder(WIDTH);
        bar.append("█".repeat(eighths / 8));
        if (eighths % 8 > 0) {
            bar.append(EIGHTHS.charAt(eighths % 8));
        }
        while (bar.length() < WIDTH) {
            bar.append(' ');
        }
        return bar.toString();
    }
}
