package io.digitflow.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.awt.Color;
import java.awt.Rectangle;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

class DigitGridTest {

    private static final int[] TRUTH = {7, 2, 1, 0, 4, 1, 4, 9, 5, 9, 0, 6, 9, 0, 1, 5, 9, 7, 3, 4, 9, 6, 6, 5};
    private static final int[] PREDICTED = {7, 2, 1, 0, 4, 1, 9, 9, 6, 9, 0, 6, 9, 0, 1, 5, 9, 7, 5, 4, 9, 6, 6, 5};

    @Test
    void writesAReadablePngSizedByColumnsAndScale() throws Exception {
        Path png = Samples.png("digit-grid.png");
        int[] show = DigitGrid.selectForDisplay(PREDICTED, TRUTH, 16);

        DigitGrid.write(SyntheticDigits.images(TRUTH), PREDICTED, TRUTH, show, 8, 3, png);

        BufferedImage image = ImageIO.read(png.toFile());
        GridLayout layout = new GridLayout(16, 8, 3, 0);
        assertThat(image.getWidth()).isGreaterThanOrEqualTo(8 * 28 * 3);
        assertThat(image.getHeight()).isEqualTo(layout.height());
        assertThat(Samples.distinctColours(image)).isGreaterThan(20);
    }

    @Test
    void framesAMistakeInRedAndACorrectDigitInNeutralGrey() {
        int[] show = {6, 0}; // 6: a 4 read as 9; 0: a 7 read right
        BufferedImage image = DigitGrid.render(SyntheticDigits.images(TRUTH), PREDICTED, TRUTH, show, 2, 3);
        GridLayout layout = new GridLayout(2, 2, 3, 0);

        Color mistake = leftEdge(image, layout.frame(0));
        Color correct = leftEdge(image, layout.frame(1));

        assertThat(mistake).isEqualTo(DigitGrid.MISTAKE);
        assertThat(correct).isEqualTo(DigitGrid.NEUTRAL_FRAME);
    }

    @Test
    void drawsInkDarkOnWhite() {
        byte[] ink = new byte[DigitGrid.PIXELS];
        ink[0] = (byte) 255;
        BufferedImage image = DigitGrid.render(ink, new int[] {1}, new int[] {1}, new int[] {0}, 1, 2);
        Rectangle digit = new GridLayout(1, 1, 2, 0).digit(0);

        assertThat(image.getRGB(digit.x, digit.y) & 0xFFFFFF).isEqualTo(0x000000);
        assertThat(image.getRGB(digit.x + 2, digit.y) & 0xFFFFFF).isEqualTo(0xFFFFFF);
    }

    @Test
    void selectsMistakesFirstUpToHalfThenCorrectOnes() {
        int[] truth = {1, 2, 3, 4, 5, 6, 7, 8};
        int[] predicted = {0, 0, 0, 4, 5, 0, 7, 8}; // mistakes at 0, 1, 2, 5

        assertThat(DigitGrid.selectForDisplay(predicted, truth, 4)).containsExactly(0, 1, 3, 4);
        assertThat(DigitGrid.selectForDisplay(predicted, truth, 8)).containsExactly(0, 1, 2, 5, 3, 4, 6, 7);
        assertThat(DigitGrid.selectForDisplay(predicted, truth, 100)).hasSize(8);
    }

    @Test
    void fillsWithMoreMistakesWhenTooFewAreCorrect() {
        int[] truth = {1, 2, 3, 4};
        int[] predicted = {0, 0, 0, 4};

        assertThat(DigitGrid.selectForDisplay(predicted, truth, 4)).containsExactly(0, 1, 2, 3);
        assertThat(DigitGrid.selectForDisplay(predicted, truth, 0)).isEmpty();
    }

    @Test
    void rejectsImagesThatDoNotMatchTheLabels() {
        assertThatThrownBy(() -> DigitGrid.render(new byte[10], new int[] {1}, new int[] {1}, new int[] {0}, 1, 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("784");
        assertThatThrownBy(() -> DigitGrid.selectForDisplay(new int[2], new int[3], 1))
                .isInstanceOf(IllegalArgumentException.class);
    }

    private static Color leftEdge(BufferedImage image, Rectangle frame) {
        return new Color(image.getRGB(frame.x, frame.y + frame.height / 2));
    }
}
