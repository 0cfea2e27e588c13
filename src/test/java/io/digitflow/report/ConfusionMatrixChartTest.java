package io.digitflow.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.awt.Color;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.jfree.chart.ChartRenderingInfo;
import org.junit.jupiter.api.Test;

class ConfusionMatrixChartTest {

    @Test
    void writesAReadable800PixelPngWithManyColours() throws Exception {
        Path png = Samples.png("confusion-matrix.png");

        ConfusionMatrixChart.write(Samples.mnistLikeConfusion(), png);

        BufferedImage image = ImageIO.read(png.toFile());
        assertThat(image.getWidth()).isEqualTo(ConfusionMatrixChart.SIZE);
        assertThat(image.getHeight()).isEqualTo(ConfusionMatrixChart.SIZE);
        assertThat(Samples.distinctColours(image)).isGreaterThan(20);
    }

    @Test
    void aCellWithMistakesIsRedAndAnEmptyCellIsNot() {
        int[][] matrix = Samples.mnistLikeConfusion();
        ChartRenderingInfo info = new ChartRenderingInfo();
        BufferedImage image = ConfusionMatrixChart.render(matrix, info);
        Rectangle2D cells = info.getPlotInfo().getDataArea();

        Color mistakes = cellColour(image, cells, 2, 7); // 6 twos read as sevens
        Color empty = cellColour(image, cells, 0, 1);
        Color correct = cellColour(image, cells, 3, 3);

        assertThat(mistakes).isNotEqualTo(empty);
        assertThat(mistakes.getRed()).isGreaterThan(mistakes.getBlue() + 60);
        assertThat(empty).isEqualTo(ColourRamp.EMPTY);
        assertThat(correct.getBlue()).isGreaterThan(correct.getRed() + 60);
    }

    @Test
    void oneMistakeAmongThousandsStillStandsOutFromAnEmptyCell() {
        ColourRamp mistakes = ColourRamp.mistakes();

        Color one = mistakes.colour(1 / 1135.0);
        Color many = mistakes.colour(8 / 1028.0);

        assertThat(one).isNotEqualTo(ColourRamp.EMPTY);
        assertThat(ColourRamp.EMPTY.getGreen() - one.getGreen()).as("one mistake visibly tinted").isGreaterThan(40);
        assertThat(brightness(many)).isLessThan(brightness(one));
        assertThat(mistakes.colour(0)).isEqualTo(ColourRamp.EMPTY);
    }

    @Test
    void higherRecallShadesTheDiagonalDarker() {
        ColourRamp recall = ColourRamp.recall();

        assertThat(brightness(recall.colour(0.99))).isLessThan(brightness(recall.colour(0.5)));
    }

    @Test
    void titleStatesTheOverallAccuracy() {
        assertThat(ConfusionMatrixChart.title(Samples.mnistLikeConfusion()))
                .contains("98.72%").contains("9,872 of 10,000");
        assertThat(ConfusionMatrixChart.title(new int[2][2])).contains("no samples");
    }

    @Test
    void drawsASmallMatrixWithADigitThatNeverOccurred() throws Exception {
        Path png = Samples.png("confusion-matrix-3-classes.png");

        ConfusionMatrixChart.write(new int[][] {{8, 2, 0}, {0, 0, 0}, {1, 0, 9}}, png);

        BufferedImage image = ImageIO.read(png.toFile());
        assertThat(Samples.distinctColours(image)).isGreaterThan(20);
        assertThat(ConfusionMatrixChart.title(new int[][] {{8, 2, 0}, {0, 0, 0}, {1, 0, 9}})).contains("85.00%");
    }

    @Test
    void rejectsAMatrixThatIsNotSquare() {
        assertThatThrownBy(() -> ConfusionMatrixChart.render(new int[][] {{1, 2}, {3}}, null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not square");
    }

    /** A pixel near the corner of cell (row, column): away from the count written in its middle. */
    private static Color cellColour(BufferedImage image, Rectangle2D cells, int row, int column) {
        double w = cells.getWidth() / 10;
        double h = cells.getHeight() / 10;
        int x = (int) (cells.getX() + (column + 0.2) * w);
        int y = (int) (cells.getY() + (row + 0.2) * h);
        return new Color(image.getRGB(x, y));
    }

    private static int brightness(Color c) {
        return c.getRed() + c.getGreen() + c.getBlue();
    }
}
