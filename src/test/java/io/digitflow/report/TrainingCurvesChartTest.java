package io.digitflow.report;

import static org.assertj.core.api.Assertions.assertThat;

import io.digitflow.model.EpochStats;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;
import org.jfree.data.Range;
import org.jfree.data.xy.XYSeries;
import org.junit.jupiter.api.Test;

class TrainingCurvesChartTest {

    @Test
    void writesAReadablePngOfTenEpochs() throws Exception {
        Path png = Samples.png("training-curves.png");

        TrainingCurvesChart.write(tenEpochs(), 0.9872, 0.0391, png);

        assertReadable(png);
    }

    @Test
    void drawsASingleEpochWithoutFailing() throws Exception {
        Path png = Samples.png("training-curves-1-epoch.png");

        TrainingCurvesChart.write(List.of(new EpochStats(1, 0.21, 0.9361, 31.5, 1905)), 0.9712, 0.0934, png);

        assertReadable(png);
    }

    @Test
    void drawsTheTestResultAloneWhenThereIsNoHistory() throws Exception {
        Path png = Samples.png("training-curves-no-history.png");

        TrainingCurvesChart.write(List.of(), 0.9712, Double.NaN, png);

        assertReadable(png);
        assertThat(TrainingCurvesChart.speed(List.of())).contains("no training history");
        assertThat(TrainingCurvesChart.title(List.of(), 0.9712)).isEqualTo("Test accuracy 97.12%");
    }

    @Test
    void titleAndSubtitleSayWhatTheRunAchievedAndCost() {
        assertThat(TrainingCurvesChart.title(tenEpochs(), 0.9872)).isEqualTo("Training: 10 epochs, test accuracy 98.72%");
        assertThat(TrainingCurvesChart.title(tenEpochs().subList(0, 1), Double.NaN)).isEqualTo("Training: 1 epoch");
        assertThat(TrainingCurvesChart.speed(List.of(new EpochStats(1, 0.2, 0.9, 10, 6000),
                new EpochStats(2, 0.1, 0.95, 12, 5000)))).startsWith("11.0 s per epoch, 5,500 images/s");
    }

    @Test
    void valueRangeKeepsTheTestLineInSightAndAccuracyAtMostOne() {
        XYSeries accuracy = new XYSeries("a");
        accuracy.add(1, 0.95);
        accuracy.add(2, 0.97);

        Range zoomed = ValueRange.of(accuracy, 0.99, false);
        Range loss = ValueRange.of(accuracy, 1.5, true);

        assertThat(zoomed.contains(0.95)).isTrue();
        assertThat(zoomed.contains(0.99)).isTrue();
        assertThat(zoomed.getUpperBound()).isLessThanOrEqualTo(1.0);
        assertThat(zoomed.getLowerBound()).as("zoomed on the values, not from 0").isGreaterThan(0.9);
        assertThat(loss.getLowerBound()).isZero();
        assertThat(loss.getUpperBound()).isGreaterThan(1.5);
    }

    @Test
    void valueRangeOfASinglePointHasASpan() {
        XYSeries one = new XYSeries("a");
        one.add(1, 0.98);

        Range range = ValueRange.of(one, 0.98, false);

        assertThat(range.getLength()).isGreaterThan(0);
        assertThat(range.contains(0.98)).isTrue();
    }

    private static void assertReadable(Path png) throws Exception {
        BufferedImage image = ImageIO.read(png.toFile());
        assertThat(image.getWidth()).isEqualTo(TrainingCurvesChart.WIDTH);
        assertThat(image.getHeight()).isEqualTo(TrainingCurvesChart.HEIGHT);
        assertThat(Samples.distinctColours(image)).isGreaterThan(20);
    }

    /** A plausible run: loss falling fast then slowly, accuracy rising towards 99%. */
    private static List<EpochStats> tenEpochs() {
        List<EpochStats> history = new ArrayList<>();
        for (int e = 1; e <= 10; e++) {
            double loss = 0.02 + 0.25 / (e * e);
            double accuracy = 0.995 - 0.06 / e;
            history.add(new EpochStats(e, loss, accuracy, 30 + e % 3, 2000 - e * 7));
        }
        return history;
    }
}
