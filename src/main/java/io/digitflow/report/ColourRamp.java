package io.digitflow.report;

import java.awt.Color;
import java.awt.Paint;
import java.io.Serializable;
import org.jfree.chart.renderer.PaintScale;

/**
 * A colour scale for heat-map cells: interpolates between a few colour stops, linearly or on a
 * log scale, with its own colour for zero.
 *
 * <p>Two scales serve the confusion matrix. Correct answers (the diagonal) are shaded blue by the
 * row's recall. Mistakes are red by their share of the row, on a log scale from 0.1% to 10%: a
 * linear scale tuned for the ~1000-count diagonal would leave 3 mistakes as pale as an empty
 * cell, and a share (rather than a count) keeps the shades comparable between test sets of any
 * size. Blue against red, rather than green against red, stays distinct for red-green colour
 * blindness.
 */
final class ColourRamp implements PaintScale, Serializable {

    private static final long serialVersionUID = 1L;

    /** An off-diagonal cell with no mistakes: lighter than the palest red, darker than the page. */
    static final Color EMPTY = new Color(0xF0F0F0);

    // ColorBrewer "Blues" and "Reds", trimmed at the pale end so a single count stays visible.
    private static final Color[] BLUES = {new Color(0xC6DBEF), new Color(0x6BAED6),
            new Color(0x2171B5), new Color(0x08306B)};
    private static final Color[] REDS = {new Color(0xFCBBA1), new Color(0xFB6A4A),
            new Color(0xCB181D), new Color(0x67000D)};

    /** Shares of a row below this get the palest red (one mistake among 1000 is still shown). */
    static final double MISTAKES_FLOOR = 0.001;
    /** Shares of a row above this get the darkest red: one digit in ten read wrong is a lot. */
    static final double MISTAKES_CEILING = 0.1;

    private final double lower;
    private final double upper;
    private final boolean logarithmic;
    private final Color zero;
    private final Color[] stops;

    private ColourRamp(double lower, double upper, boolean logarithmic, Color zero, Color[] stops) {
        this.lower = lower;
        this.upper = upper;
        this.logarithmic = logarithmic;
        this.zero = zero;
        this.stops = stops;
    }

    /** Diagonal cells: recall from 0 (pale blue) to 1 (dark blue). */
    static ColourRamp recall() {
        return new ColourRamp(0, 1, false, BLUES[0], BLUES);
    }

    /** Off-diagonal cells: 0 is {@link #EMPTY}; a share of the row runs pale to dark red, log scale. */
    static ColourRamp mistakes() {
        return new ColourRamp(MISTAKES_FLOOR, MISTAKES_CEILING, true, EMPTY, REDS);
    }

    @Override
    public double getLowerBound() {
        return lower;
    }

    @Override
    public double getUpperBound() {
        return upper;
    }

    @Override
    public Paint getPaint(double value) {
        return colour(value);
    }

    /** The colour of a cell holding {@code value}; values outside the scale are clamped. */
    Color colour(double value) {
        if (!(value > 0)) {
            return zero;
        }
        double v = Math.max(lower, Math.min(value, upper));
        double t = logarithmic ? Math.log(v / lower) / Math.log(upper / lower) : (v - lower) / (upper - lower);
        double at = t * (stops.length - 1);
        int i = Math.min((int) at, stops.length - 2);
        return mix(stops[i], stops[i + 1], at - i);
    }

    /** Text colour readable on {@code background}: white on dark cells, near-black on light ones. */
    static Color textOn(Color background) {
        // Rec. 601 luma: cheap and good enough to pick between two text colours.
        double luma = 0.299 * background.getRed() + 0.587 * background.getGreen()
                + 0.114 * background.getBlue();
        return luma < 150 ? Color.WHITE : new Color(0x202020);
    }

    private static Color mix(Color a, Color b, double t) {
        return new Color(lerp(a.getRed(), b.getRed(), t), lerp(a.getGreen(), b.getGreen(), t),
                lerp(a.getBlue(), b.getBlue(), t));
    }

    private static int lerp(int a, int b, double t) {
        return (int) Math.round(a + (b - a) * t);
    }
}
