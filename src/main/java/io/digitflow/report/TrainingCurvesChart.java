package io.digitflow.report;

import io.digitflow.model.EpochStats;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.geom.Ellipse2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.text.NumberFormat;
import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.CombinedDomainXYPlot;
import org.jfree.chart.plot.ValueMarker;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.title.TextTitle;
import org.jfree.chart.ui.HorizontalAlignment;
import org.jfree.chart.ui.Layer;
import org.jfree.chart.ui.RectangleAnchor;
import org.jfree.chart.ui.RectangleEdge;
import org.jfree.chart.ui.RectangleInsets;
import org.jfree.chart.ui.TextAnchor;
import org.jfree.chart.ui.VerticalAlignment;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/** Draws training loss and accuracy per epoch as a PNG, with the test result as a dashed line. */
public final class TrainingCurvesChart {

    static {
        Headless.ensure();
    }

    /** Width of the PNG, in pixels. */
    public static final int WIDTH = 900;
    /** Height of the PNG, in pixels. */
    public static final int HEIGHT = 700;

    private static final Color TRAIN = new Color(0x1F77B4);
    private static final Color TEST = new Color(0xD62728);
    private static final Font LABEL = new Font(Font.SANS_SERIF, Font.BOLD, 14);
    private static final Font TICKS = new Font(Font.SANS_SERIF, Font.PLAIN, 13);

    private TrainingCurvesChart() {
    }

    /**
     * Writes the curves of {@code history} (epochs numbered from 1) to {@code png}, with the test
     * accuracy and loss as horizontal lines; a NaN test value is left out. An empty history
     * draws the test lines alone.
     */
    public static void write(List<EpochStats> history, double testAccuracy, double testLoss, Path png)
            throws IOException {
        PngFiles.write(render(history, testAccuracy, testLoss), png);
    }

    static BufferedImage render(List<EpochStats> history, double testAccuracy, double testLoss) {
        NumberAxis epochs = new NumberAxis("epoch");
        epochs.setStandardTickUnits(NumberAxis.createIntegerTickUnits());
        // Half an epoch of margin each side: a single epoch is a point in the middle, not a squashed axis.
        epochs.setRange(0.5, Math.max(1, history.size()) + 0.5);
        styleAxis(epochs);
        CombinedDomainXYPlot plot = new CombinedDomainXYPlot(epochs);
        plot.setGap(16);
        XYPlot loss = panel("loss", history, EpochStats::loss, testLoss, true);
        XYPlot accuracy = panel("accuracy", history, EpochStats::accuracy, testAccuracy, false);
        ((NumberAxis) accuracy.getRangeAxis()).setNumberFormatOverride(percent(1));
        if (!Double.isNaN(testLoss)) {
            loss.addRangeMarker(testLine(String.format(Locale.ROOT, "test loss %.4f", testLoss), testLoss), Layer.FOREGROUND);
        }
        if (!Double.isNaN(testAccuracy)) {
            accuracy.addRangeMarker(testLine("test accuracy " + percent(2).format(testAccuracy), testAccuracy),
                    Layer.FOREGROUND);
        }
        plot.add(loss, 1);
        plot.add(accuracy, 1);

        // No legend: both panels have one training series, named by its axis; the subtitle says the rest.
        JFreeChart chart = new JFreeChart(title(history, testAccuracy), new Font(Font.SANS_SERIF, Font.BOLD, 20), plot, false);
        chart.addSubtitle(new TextTitle(speed(history), new Font(Font.SANS_SERIF, Font.PLAIN, 14)));
        chart.addSubtitle(new TextTitle("solid: training set, mean over each epoch      dashed: test set",
                new Font(Font.SANS_SERIF, Font.PLAIN, 13), Color.DARK_GRAY, RectangleEdge.TOP,
                HorizontalAlignment.CENTER, VerticalAlignment.CENTER, new RectangleInsets(2, 0, 6, 0)));
        chart.setBackgroundPaint(Color.WHITE);
        chart.setPadding(new RectangleInsets(10, 10, 10, 20));
        return chart.createBufferedImage(WIDTH, HEIGHT);
    }

    static String title(List<EpochStats> history, double testAccuracy) {
        String accuracy = Double.isNaN(testAccuracy) ? ""
                : String.format(Locale.ROOT, "test accuracy %.2f%%", 100 * testAccuracy);
        if (history.isEmpty()) {
            return accuracy.isEmpty() ? "No training history" : "T" + accuracy.substring(1);
        }
        String epochs = history.size() == 1 ? "1 epoch" : history.size() + " epochs";
        return "Training: " + epochs + (accuracy.isEmpty() ? "" : ", " + accuracy);
    }

    /** "12.3 s per epoch, 4,870 images/s": the cost of an epoch, averaged over the run. */
    static String speed(List<EpochStats> history) {
        if (history.isEmpty()) {
            return "no training history: test result only";
        }
        double seconds = history.stream().mapToDouble(EpochStats::seconds).average().orElse(0);
        double rate = history.stream().mapToDouble(EpochStats::imagesPerSecond).average().orElse(0);
        return String.format(Locale.ROOT, "%.1f s per epoch, %,.0f images/s (mean of %d)", seconds, rate, history.size());
    }

    /** One panel, its value axis sized to show {@code test} too (markers do not widen an axis). */
    private static XYPlot panel(String name, List<EpochStats> history, ToDoubleFunction<EpochStats> value,
            double test, boolean fromZero) {
        XYSeries series = new XYSeries("training " + name);
        for (EpochStats epoch : history) {
            series.add(epoch.epoch(), value.applyAsDouble(epoch));
        }
        NumberAxis axis = new NumberAxis(name);
        styleAxis(axis);
        axis.setRange(ValueRange.of(series, test, fromZero));

        XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(true, true);
        renderer.setSeriesPaint(0, TRAIN);
        renderer.setSeriesStroke(0, new BasicStroke(2.5f));
        // Points as well as lines, so a one-epoch history still shows its value.
        renderer.setSeriesShape(0, new Ellipse2D.Double(-4, -4, 8, 8));

        XYPlot plot = new XYPlot(new XYSeriesCollection(series), null, axis, renderer);
        plot.setBackgroundPaint(Color.WHITE);
        plot.setDomainGridlinePaint(new Color(0xDDDDDD));
        plot.setRangeGridlinePaint(new Color(0xDDDDDD));
        plot.setOutlinePaint(new Color(0xBBBBBB));
        return plot;
    }

    private static ValueMarker testLine(String label, double value) {
        ValueMarker marker = new ValueMarker(value, TEST,
                new BasicStroke(2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 1f, new float[] {8f, 5f}, 0f));
        marker.setLabel(label);
        marker.setLabelFont(LABEL);
        marker.setLabelPaint(TEST);
        // Above the line at the left: curves start far from their final values, so the label is clear there.
        marker.setLabelAnchor(RectangleAnchor.TOP_LEFT);
        marker.setLabelTextAnchor(TextAnchor.BOTTOM_LEFT);
        marker.setLabelOffset(new RectangleInsets(2, 8, 2, 2));
        marker.setLabelBackgroundColor(new Color(255, 255, 255, 200));
        return marker;
    }

    private static NumberFormat percent(int decimals) {
        NumberFormat percent = NumberFormat.getPercentInstance(Locale.ROOT);
        percent.setMinimumFractionDigits(decimals);
        percent.setMaximumFractionDigits(decimals);
        return percent;
    }

    private static void styleAxis(NumberAxis axis) {
        axis.setLabelFont(LABEL);
        axis.setTickLabelFont(TICKS);
    }
}
