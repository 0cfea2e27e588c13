package io.digitflow.report;

import java.awt.Color;
import java.awt.Font;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.text.DecimalFormat;
import java.util.Locale;
import org.jfree.chart.ChartRenderingInfo;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.annotations.XYTextAnnotation;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.NumberTickUnit;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYBlockRenderer;
import org.jfree.chart.title.PaintScaleLegend;
import org.jfree.chart.title.TextTitle;
import org.jfree.chart.ui.RectangleEdge;
import org.jfree.chart.ui.RectangleInsets;
import org.jfree.data.xy.DefaultXYZDataset;

/** Draws a confusion matrix as a PNG heat map: counts in every cell, correct in blue, mistakes in red. */
public final class ConfusionMatrixChart {

    static {
        Headless.ensure();
    }

    /** Width and height of the PNG, in pixels. */
    public static final int SIZE = 800;

    // Slightly under one cell, so a white seam separates neighbouring cells and the grid reads clearly.
    private static final double BLOCK = 0.95;
    private static final Color ZERO_TEXT = new Color(0xB0B0B0);

    private ConfusionMatrixChart() {
    }

    /**
     * Writes the heat map of {@code matrix} (rows: true class, columns: predicted class, both
     * numbered from 0) to {@code png}.
     */
    public static void write(int[][] matrix, Path png) throws IOException {
        PngFiles.write(render(matrix, null), png);
    }

    /** Renders the chart; {@code info}, when given, receives where the cells were drawn. */
    static BufferedImage render(int[][] matrix, ChartRenderingInfo info) {
        int n = checkSquare(matrix);
        XYPlot plot = new XYPlot();
        plot.setDomainAxis(axis("predicted", n, false));
        plot.setRangeAxis(axis("true", n, true));
        ColourRamp correct = ColourRamp.recall();
        ColourRamp mistakes = ColourRamp.mistakes();
        // Two datasets with their own renderers: the diagonal and the mistakes get separate scales.
        plot.setDataset(0, cells(matrix, true));
        plot.setRenderer(0, blocks(correct));
        plot.setDataset(1, cells(matrix, false));
        plot.setRenderer(1, blocks(mistakes));
        labelCells(plot, matrix, correct, mistakes);
        plot.setBackgroundPaint(Color.WHITE);
        plot.setOutlineVisible(false);
        plot.setDomainGridlinesVisible(false);
        plot.setRangeGridlinesVisible(false);
        plot.setAxisOffset(new RectangleInsets(4, 4, 4, 4));

        JFreeChart chart = new JFreeChart(title(matrix), new Font(Font.SANS_SERIF, Font.BOLD, 22), plot, false);
        chart.addSubtitle(new TextTitle("diagonal: correct, blue by recall   elsewhere: mistakes, red by share of the row",
                new Font(Font.SANS_SERIF, Font.PLAIN, 14)));
        chart.addSubtitle(legend(mistakes));
        chart.setBackgroundPaint(Color.WHITE);
        chart.setPadding(new RectangleInsets(10, 10, 10, 10));
        return chart.createBufferedImage(SIZE, SIZE, info);
    }

    /** "accuracy 98.12% (9,812 of 10,000)": the share of the matrix on its diagonal. */
    static String title(int[][] matrix) {
        long total = 0;
        long right = 0;
        for (int r = 0; r < matrix.length; r++) {
            for (int c = 0; c < matrix.length; c++) {
                total += matrix[r][c];
                right += r == c ? matrix[r][c] : 0;
            }
        }
        if (total == 0) {
            return "Confusion matrix: no samples";
        }
        return String.format(Locale.ROOT, "Confusion matrix: accuracy %.2f%% (%,d of %,d)",
                100.0 * right / total, right, total);
    }

    private static int checkSquare(int[][] matrix) {
        int n = matrix.length;
        if (n == 0) {
            throw new IllegalArgumentException("confusion matrix is empty");
        }
        for (int[] row : matrix) {
            if (row.length != n) {
                throw new IllegalArgumentException("confusion matrix is not square: " + n + " rows, a row of " + row.length);
            }
            for (int count : row) {
                if (count < 0) {
                    throw new IllegalArgumentException("confusion matrix holds a negative count: " + count);
                }
            }
        }
        return n;
    }

    /**
     * The cells on ({@code diagonal}) or off the diagonal as x=predicted, y=true and z=the share of
     * the row: the recall on the diagonal, how often this digit was taken for that one elsewhere.
     */
    private static DefaultXYZDataset cells(int[][] matrix, boolean diagonal) {
        int n = matrix.length;
        int size = diagonal ? n : n * n - n;
        double[][] xyz = new double[3][size];
        int i = 0;
        for (int r = 0; r < n; r++) {
            for (int c = 0; c < n; c++) {
                if ((r == c) == diagonal) {
                    xyz[0][i] = c;
                    xyz[1][i] = r;
                    xyz[2][i++] = share(matrix, r, c);
                }
            }
        }
        DefaultXYZDataset dataset = new DefaultXYZDataset();
        dataset.addSeries(diagonal ? "correct" : "mistakes", xyz);
        return dataset;
    }

    private static double share(int[][] matrix, int row, int column) {
        long total = 0;
        for (int count : matrix[row]) {
            total += count;
        }
        return total == 0 ? 0 : (double) matrix[row][column] / total;
    }

    private static XYBlockRenderer blocks(ColourRamp scale) {
        XYBlockRenderer renderer = new XYBlockRenderer();
        renderer.setBlockWidth(BLOCK);
        renderer.setBlockHeight(BLOCK);
        renderer.setPaintScale(scale);
        return renderer;
    }

    private static void labelCells(XYPlot plot, int[][] matrix, ColourRamp correct, ColourRamp mistakes) {
        int n = matrix.length;
        // 16 pt fits "1135" in a cell of a 10x10 matrix; smaller matrices need no bigger text.
        Font font = new Font(Font.SANS_SERIF, Font.BOLD, Math.max(8, Math.min(16, 160 / n)));
        for (int r = 0; r < n; r++) {
            for (int c = 0; c < n; c++) {
                int count = matrix[r][c];
                Color cell = (r == c ? correct : mistakes).colour(share(matrix, r, c));
                XYTextAnnotation label = new XYTextAnnotation(Integer.toString(count), c, r);
                label.setFont(font);
                // A grey 0 keeps empty cells quiet, so the eye goes to the counts that matter.
                label.setPaint(count == 0 ? ZERO_TEXT : ColourRamp.textOn(cell));
                plot.addAnnotation(label);
            }
        }
    }

    /** The key to the reds, in percent of the row, so a reader can tell 1 in 1000 from 1 in 20. */
    private static PaintScaleLegend legend(ColourRamp mistakes) {
        LogAxis axis = new LogAxis("mistakes, % of the true digit's row");
        axis.setNumberFormatOverride(new DecimalFormat("0.#%"));
        // One tick per power of ten (0.1%, 1%, 10%); the default puts one every 0.1 decade.
        axis.setTickUnit(new NumberTickUnit(1));
        axis.setLabelFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
        axis.setTickLabelFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        PaintScaleLegend legend = new PaintScaleLegend(mistakes, axis);
        // After the constructor, which sets the scale's own range: a hair wider than it, because
        // at exactly 0.001 rounding drops the 0.1% tick.
        axis.setRange(mistakes.getLowerBound() * 0.999, mistakes.getUpperBound() * 1.001);
        legend.setPosition(RectangleEdge.RIGHT);
        legend.setStripWidth(14);
        // The legend steps through values linearly; on a log axis the low end needs many steps to look smooth.
        legend.setSubdivisionCount(4096);
        legend.setAxisOffset(4);
        legend.setMargin(new RectangleInsets(60, 12, 60, 0));
        legend.setBackgroundPaint(Color.WHITE);
        return legend;
    }

    private static NumberAxis axis(String label, int n, boolean inverted) {
        NumberAxis axis = new NumberAxis(label);
        axis.setRange(-0.5, n - 0.5);
        axis.setTickUnit(new NumberTickUnit(1, new DecimalFormat("0")));
        // Row 0 at the top, as a matrix is read; the y axis would otherwise put it at the bottom.
        axis.setInverted(inverted);
        axis.setLabelFont(new Font(Font.SANS_SERIF, Font.BOLD, 16));
        axis.setTickLabelFont(new Font(Font.SANS_SERIF, Font.PLAIN, 15));
        axis.setTickMarksVisible(false);
        axis.setAxisLineVisible(false);
        return axis;
    }
}
