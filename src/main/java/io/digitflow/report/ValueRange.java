package io.digitflow.report;

import org.jfree.data.Range;
import org.jfree.data.xy.XYSeries;

/**
 * The value range of a training-curve panel: the series and the test line, with some air.
 *
 * <p>Set by hand because JFreeChart's auto range ignores markers, which would leave the test line
 * off the chart whenever the test result is better or worse than every epoch.
 */
final class ValueRange {

    private ValueRange() {
    }

    /**
     * @param fromZero start at 0 (loss: its size matters); otherwise zoom on the values
     *                 (accuracy: 97% against 99% is the story), never past 100%.
     */
    static Range of(XYSeries series, double test, boolean fromZero) {
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < series.getItemCount(); i++) {
            double y = series.getY(i).doubleValue();
            if (Double.isFinite(y)) {
                min = Math.min(min, y);
                max = Math.max(max, y);
            }
        }
        if (Double.isFinite(test)) {
            min = Math.min(min, test);
            max = Math.max(max, test);
        }
        if (min > max) {
            return new Range(0, 1);
        }
        if (fromZero) {
            return new Range(Math.min(0, min), max > 0 ? max * 1.1 : 1);
        }
        // A flat series (one epoch, or equal values) still needs a span to draw against.
        double air = Math.max((max - min) * 0.15, 0.005);
        double upper = max <= 1 ? Math.min(1, max + air) : max + air;
        return new Range(min - air, Math.max(upper, min - air + 0.01));
    }
}
