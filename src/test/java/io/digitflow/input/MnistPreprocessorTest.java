package io.digitflow.input;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class MnistPreprocessorTest {

    private final MnistPreprocessor preprocessor = new MnistPreprocessor();

    /** A {@code width x height} picture of {@code paper} with the rectangle [x0,x1) x [y0,y1) in {@code ink}. */
    private static GreyImage rect(int width, int height, float paper, float ink, int x0, int y0, int x1, int y1) {
        float[] values = new float[width * height];
        Arrays.fill(values, paper);
        paint(values, width, ink, x0, y0, x1, y1);
        return new GreyImage(width, height, values);
    }

    private static void paint(float[] values, int width, float ink, int x0, int y0, int x1, int y1) {
        for (int y = y0; y < y1; y++) {
            Arrays.fill(values, y * width + x0, y * width + x1, ink);
        }
    }

    @Test
    void drawnOneIsCroppedFittedAndCentredByMass() throws Exception {
        // A "1": a dark stroke 8 wide and 60 tall, off-centre on a light 120x100 canvas.
        byte[] digit = preprocessor.prepare(rect(120, 100, 255, 0, 90, 30, 98, 90));
        int[] box = DigitMetrics.inkBounds(digit);
        assertThat(box[3] - box[1] + 1).as("height fitted to 20").isEqualTo(20);
        assertThat(box[2] - box[0] + 1).as("width keeps the 8:60 aspect").isEqualTo(3);
        double[] centre = DigitMetrics.centreOfMass(digit);
        assertThat(centre[0]).isCloseTo(14, within(1.0));
        assertThat(centre[1]).isCloseTo(14, within(1.0));
        assertThat(DigitMetrics.max(digit)).isEqualTo(255);
        assertThat(digit[0]).as("background is 0").isZero();
    }

    @Test
    void polarityIsDetected() throws Exception {
        byte[] darkOnLight = preprocessor.prepare(rect(50, 50, 255, 0, 10, 5, 20, 45));
        byte[] lightOnDark = preprocessor.prepare(rect(50, 50, 0, 255, 10, 5, 20, 45));
        assertThat(darkOnLight).isEqualTo(lightOnDark);
        assertThat(DigitMetrics.max(darkOnLight)).isEqualTo(255);
    }

    @Test
    void greyPaperAndPencilStretchToFullContrast() throws Exception {
        byte[] pencil = preprocessor.prepare(rect(50, 50, 200, 110, 10, 5, 20, 45));
        byte[] ink = preprocessor.prepare(rect(50, 50, 255, 0, 10, 5, 20, 45));
        assertThat(pencil).isEqualTo(ink);
    }

    @Test
    void wideShapesKeepTheirAspectRatio() throws Exception {
        byte[] dash = preprocessor.prepare(rect(100, 40, 255, 0, 10, 10, 70, 18));
        int[] box = DigitMetrics.inkBounds(dash);
        assertThat(box[2] - box[0] + 1).isEqualTo(20);
        assertThat(box[3] - box[1] + 1).isEqualTo(3);
    }

    @Test
    void tinyPicturesAreEnlargedToTheBox() throws Exception {
        byte[] dot = preprocessor.prepare(rect(7, 9, 255, 0, 2, 2, 5, 7)); // 3 wide, 5 tall
        int[] box = DigitMetrics.inkBounds(dot);
        assertThat(box[3] - box[1] + 1).isEqualTo(20);
        assertThat(box[2] - box[0] + 1).isEqualTo(12);
    }

    @Test
    void shiftIsClampedSoNoInkLeavesTheFrame() throws Exception {
        // A heavy left bar with a thin top line: the mass sits far left, the full 20 px width cannot move 13 right.
        float[] values = new float[40 * 40];
        Arrays.fill(values, 255);
        paint(values, 40, 0, 10, 10, 16, 30);
        paint(values, 40, 0, 16, 10, 30, 11);
        byte[] digit = preprocessor.prepare(new GreyImage(40, 40, values));
        int[] box = DigitMetrics.inkBounds(digit);
        assertThat(box[0]).isEqualTo(8);
        assertThat(box[2]).isEqualTo(27);
    }

    @Test
    void faintSpecklesDoNotWidenTheCrop() throws Exception {
        GreyImage clean = rect(80, 80, 255, 0, 30, 10, 40, 70);
        float[] noisy = clean.luminance().clone();
        Random random = new Random(42);
        for (int i = 0; i < noisy.length; i++) {
            if (noisy[i] == 255) {
                noisy[i] -= random.nextInt(20); // paper grain: under 10% of the contrast
            }
        }
        byte[] fromNoisy = preprocessor.prepare(new GreyImage(80, 80, noisy));
        assertThat(DigitMetrics.inkBounds(fromNoisy)).isEqualTo(DigitMetrics.inkBounds(preprocessor.prepare(clean)));
    }

    @Test
    void darkSpecksAndDustAwayFromTheDigitDoNotWidenTheCropNorMoveIt() throws Exception {
        GreyImage clean = rect(200, 200, 230, 20, 90, 40, 110, 160);
        float[] dusty = clean.luminance().clone();
        Random random = new Random(7);
        for (int speck = 0; speck < 40; speck++) { // full-strength dust, two pixels each
            int x = random.nextInt(199);
            int y = random.nextInt(200);
            if (x < 80 || x > 120) {
                dusty[y * 200 + x] = 20;
                dusty[y * 200 + x + 1] = 20;
            }
        }
        byte[] fromDusty = preprocessor.prepare(new GreyImage(200, 200, dusty));
        assertThat(fromDusty).isEqualTo(preprocessor.prepare(clean));
    }

    @Test
    void bigPicturesArePreparedAtABoundedWorkingSize() throws Exception {
        GreyImage big = rect(2000, 1500, 250, 10, 900, 300, 1100, 1200);
        assertThat(MnistPreprocessor.shrink(big).width()).isEqualTo(MnistPreprocessor.WORK_SIDE);
        assertThat(MnistPreprocessor.shrink(big).height()).isEqualTo(384);
        byte[] digit = preprocessor.prepare(big);
        int[] box = DigitMetrics.inkBounds(digit);
        assertThat(box[3] - box[1] + 1).isEqualTo(20);
        assertThat(DigitMetrics.centreOfMass(digit)[0]).isCloseTo(14, within(1.0));
    }

    @Test
    void uniformAndLowContrastPicturesAreEmpty() {
        InvalidInputException blank = catchThrowableOfType(InvalidInputException.class,
                () -> preprocessor.prepare(rect(30, 30, 255, 255, 0, 0, 0, 0)));
        assertThat(blank.reason()).isEqualTo(Reason.EMPTY_PICTURE);
        assertThat(blank.getMessage()).contains("no ink").contains("differ by 0 grey levels");
        InvalidInputException faint = catchThrowableOfType(InvalidInputException.class,
                () -> preprocessor.prepare(rect(30, 30, 255, 235, 10, 10, 20, 20)));
        assertThat(faint.reason()).isEqualTo(Reason.EMPTY_PICTURE);
        assertThat(faint.getMessage()).contains("differ by 20 grey levels, at least 32 needed");
    }

    @Test
    void singlePixelPictureIsEmptyNotACrash() {
        InvalidInputException e = catchThrowableOfType(InvalidInputException.class,
                () -> preprocessor.prepare(new GreyImage(1, 1, new float[] {0})));
        assertThat(e.reason()).isEqualTo(Reason.EMPTY_PICTURE);
    }
}
