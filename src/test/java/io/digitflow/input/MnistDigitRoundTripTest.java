package io.digitflow.input;

import io.digitflow.support.Pictures;
import io.digitflow.support.TestMnist;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Real MNIST test digits, redrawn the way a person would send them (dark ink on white paper, three times the
 * size, somewhere on a larger canvas), must come back as nearly the digit MNIST holds.
 * Needs DIGITFLOW_DATA (CI sets it; locally DIGITFLOW_DATA=../shared/mnist from the worktree root).
 *
 * <p>Each digit is compared allowing a one-pixel shift: centring rounds the centre-of-mass offset, and a digit
 * whose centre sits near a half pixel (MNIST's own lie anywhere in 13.5-14.5) can land one pixel either side,
 * which costs a thin stroke much of its pixel-wise correlation. The unshifted mean over all digits guards
 * against a systematic misplacement that the per-digit tolerance would hide.
 */
class MnistDigitRoundTripTest {

    private static final int DIGITS = 100;
    private static final int SCALE = 3;
    private static List<byte[]> digits;

    private final ImageDecoder decoder = new ImageDecoder(DecodeLimits.DEFAULTS);
    private final MnistPreprocessor preprocessor = new MnistPreprocessor();

    /** Per test, not @BeforeAll: surefire counts a class-level skip as zero tests, hiding it from the report. */
    @BeforeEach
    void readDigits() throws Exception {
        Path folder = TestMnist.folderOrSkip();
        if (digits == null) {
            digits = TestMnist.firstTestImages(folder, DIGITS);
        }
    }

    /** The digit inverted (dark on light), enlarged 3x bilinearly, at (37, 21) on a 160x130 white canvas. */
    private static BufferedImage drawnOnPaper(byte[] digit) {
        int side = DecodedImage.SIDE * SCALE;
        BufferedImage paper = Pictures.canvas(160, 130, 255);
        for (int y = 0; y < side; y++) {
            for (int x = 0; x < side; x++) {
                double ink = bilinear(digit, (x + 0.5) / SCALE - 0.5, (y + 0.5) / SCALE - 0.5);
                paper.getRaster().setSample(37 + x, 21 + y, 0, 255 - (int) Math.round(ink));
            }
        }
        return paper;
    }

    private static double bilinear(byte[] digit, double x, double y) {
        int x0 = (int) Math.floor(x);
        int y0 = (int) Math.floor(y);
        double fx = x - x0;
        double fy = y - y0;
        return (1 - fy) * ((1 - fx) * at(digit, x0, y0) + fx * at(digit, x0 + 1, y0))
                + fy * ((1 - fx) * at(digit, x0, y0 + 1) + fx * at(digit, x0 + 1, y0 + 1));
    }

    private static int at(byte[] digit, int x, int y) {
        int side = DecodedImage.SIDE;
        return digit[Math.max(0, Math.min(side - 1, y)) * side + Math.max(0, Math.min(side - 1, x))] & 0xFF;
    }

    private byte[] prepared(byte[] digit) throws InvalidInputException {
        float[] values = new float[digit.length];
        for (int i = 0; i < digit.length; i++) {
            values[i] = digit[i] & 0xFF;
        }
        return preprocessor.prepare(new GreyImage(DecodedImage.SIDE, DecodedImage.SIDE, values));
    }

    private void assertRoundTrip(Function<BufferedImage, byte[]> encode, String contentType) throws Exception {
        double sum = 0;
        for (int i = 0; i < digits.size(); i++) {
            byte[] original = digits.get(i);
            byte[] reference = prepared(original);
            byte[] decoded = decoder.decode(encode.apply(drawnOnPaper(original)), contentType).pixels();
            assertThat(DigitMetrics.bestShiftedCorrelation(decoded, reference, 1))
                    .as("digit %d against the same preparation of the original", i).isGreaterThan(0.8);
            assertThat(DigitMetrics.bestShiftedCorrelation(decoded, original, 1))
                    .as("digit %d against the original", i).isGreaterThan(0.8);
            double[] centre = DigitMetrics.centreOfMass(decoded);
            assertThat(centre[0]).as("digit %d centre x", i).isCloseTo(14, within(1.0));
            assertThat(centre[1]).as("digit %d centre y", i).isCloseTo(14, within(1.0));
            sum += DigitMetrics.correlation(decoded, reference);
        }
        assertThat(sum / digits.size()).as("mean unshifted correlation").isGreaterThan(0.9);
    }

    @Test
    void pngOfADarkOnLightEnlargedDigitComesBackAsTheDigit() throws Exception {
        assertRoundTrip(Pictures::png, "image/png");
    }

    @Test
    void jpegOfADarkOnLightEnlargedDigitComesBackAsTheDigit() throws Exception {
        assertRoundTrip(picture -> Pictures.jpeg(picture, 0.9f), null);
    }

    @Test
    void preparingAnMnistDigitLeavesItNearlyAsItIs() throws Exception {
        double sum = 0;
        for (int i = 0; i < digits.size(); i++) {
            byte[] prepared = prepared(digits.get(i));
            assertThat(DigitMetrics.bestShiftedCorrelation(prepared, digits.get(i), 1))
                    .as("digit %d", i).isGreaterThan(0.95);
            sum += DigitMetrics.correlation(prepared, digits.get(i));
        }
        assertThat(sum / digits.size()).as("mean unshifted correlation").isGreaterThan(0.97);
    }
}
