package io.digitflow.input;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.assertj.core.api.Assertions.within;

import java.util.Random;
import org.junit.jupiter.api.Test;

class InkReadingTest {

    private static final int W = 120;
    private static final int H = 100;

    /** Paper (with a horizontal gradient from +-tilt/2) carrying a thick "7" of ink, plus Gaussian noise. */
    private static GreyImage page(float paper, float ink, float tilt, double sigma, long seed) {
        Random random = new Random(seed);
        float[] values = new float[W * H];
        for (int y = 0; y < H; y++) {
            for (int x = 0; x < W; x++) {
                boolean stroke = (y >= 20 && y < 30 && x >= 30 && x < 90) || (x >= 70 && x < 80 && y >= 20 && y < 85);
                float base = stroke ? ink : paper + tilt * (x / (W - 1f) - 0.5f);
                values[y * W + x] = (float) Math.max(0, Math.min(255, base + sigma * random.nextGaussian()));
            }
        }
        return new GreyImage(W, H, values);
    }

    @Test
    void darkInkOnNoisyPaperIsMeasuredFromThePicture() throws Exception {
        InkReading reading = InkReading.of(page(200, 40, 0, 5, 1));
        assertThat(reading.dark()).isTrue();
        assertThat(reading.paper().at(10, 10)).isCloseTo(200f, within(1f));
        assertThat(reading.sigma()).isCloseTo(5f, within(0.75f));
        assertThat(reading.inkLevel()).isCloseTo(160f, within(3f));
        assertThat(reading.floor()).as("3 sigmas, but at least a share of the ink")
                .isCloseTo(Math.max(3 * reading.sigma(), InkReading.MIN_FLOOR * reading.inkLevel()), within(0.01f));
        assertThat(reading.minFloor()).as("an enlarged picture").isEqualTo(InkReading.MIN_FLOOR);
    }

    @Test
    void atMnistSizeTheFaintFringeBelongsToTheDigit() throws Exception {
        float[] values = new float[28 * 28];
        java.util.Arrays.fill(values, 250);
        for (int y = 4; y < 24; y++) {
            values[y * 28 + 13] = 20;
            values[y * 28 + 14] = 20;
            values[y * 28 + 12] = 225; // a fringe at 11% of the ink: kept at this size
        }
        GreyImage small = new GreyImage(28, 28, values);
        InkReading reading = InkReading.of(small);
        assertThat(reading.minFloor()).isEqualTo(InkReading.MIN_FLOOR_SMALL);
        assertThat(reading.inkMap(small)[10 * 28 + 12]).isGreaterThan(0f);
    }

    @Test
    void lightInkOnDarkPaperIsReadTheOtherWayRound() throws Exception {
        InkReading reading = InkReading.of(page(30, 220, 0, 3, 2));
        assertThat(reading.dark()).isFalse();
        assertThat(reading.inkLevel()).isCloseTo(190f, within(3f));
    }

    @Test
    void unevenLightIsFlattenedSoNoPaperReadsAsInk() throws Exception {
        GreyImage picture = page(200, 60, 60, 0, 3); // paper from 170 on the left to 230 on the right
        InkReading reading = InkReading.of(picture);
        assertThat(reading.paper().at(W - 1, 0) - reading.paper().at(0, 0)).isCloseTo(60f, within(1f));
        float[] ink = reading.inkMap(picture);
        for (int y = 0; y < H; y++) {
            assertThat(ink[y * W]).as("darker paper at the left, row %d", y).isZero();
            assertThat(ink[y * W + 5]).as("row %d", y).isZero();
        }
        for (int x = 30; x < 90; x++) {
            assertThat(ink[25 * W + x]).as("the stroke at x %d, on darker or lighter paper alike", x).isGreaterThan(200f);
        }
    }

    @Test
    void noiseFloorIsRemovedFromThePaper() throws Exception {
        GreyImage picture = page(210, 30, 0, 8, 4);
        float[] ink = InkReading.of(picture).inkMap(picture);
        int specks = 0;
        int paper = 0;
        for (int y = 0; y < H; y++) {
            for (int x = 0; x < 25; x++) {
                paper++;
                specks += ink[y * W + x] > 0 ? 1 : 0;
            }
        }
        assertThat((double) specks / paper).as("paper pixels above the 3-sigma floor").isLessThan(0.01);
    }

    @Test
    void aUniformGreyPageWithNoiseAndNoInkIsEmpty() {
        Random random = new Random(5);
        float[] values = new float[W * H];
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) Math.max(0, Math.min(255, 128 + 10 * random.nextGaussian()));
        }
        InvalidInputException e = catchThrowableOfType(InvalidInputException.class,
                () -> new MnistPreprocessor().prepare(new GreyImage(W, H, values)));
        assertThat(e.reason()).isEqualTo(Reason.EMPTY_PICTURE);
        assertThat(e.getMessage()).contains("no ink");
    }
}
