package io.digitflow.input;

/**
 * Prepares a picture the way MNIST's digits were made: grey ink light on dark, cropped to the ink, fitted into
 * 20x20 keeping its aspect ratio, and placed in 28x28 with its centre of mass at the centre. Stateless.
 *
 * <p>Before that, the picture is read as a photo or scan would need: shrunk to at most {@link #WORK_SIDE} pixels
 * a side (area averaging, which also quiets noise); paper, ink, polarity, uneven light and noise estimated from the
 * picture itself ({@link InkReading}); the noise floor removed and the ink stretched to full intensity; and only
 * the marks that belong to the digit kept: the 8-connected blobs of the smoothed ink holding at least
 * {@link #MIN_PART} of the largest one's ink, so that specks, dust and grain neither widen the crop nor pull the
 * centre of mass.
 */
public final class MnistPreprocessor {

    private static final int SIDE = DecodedImage.SIDE;
    /** MNIST fitted each digit into 20x20: 9997 of the 10000 test digits are 20 pixels along their longer side. */
    private static final int BOX = 20;
    /** MNIST's centres of mass, in pixel indices: the test set's mean is (14.0, 14.0), each within 0.5 of it. */
    private static final double CENTRE = 14.0;
    /** MNIST's ink peaks at 254-255 in every test digit, so prepared digits are stretched to peak there too. */
    private static final float PEAK = 255f;
    /**
     * Pictures are prepared at most this many pixels a side: a digit filling a tenth of the frame is still 50
     * pixels tall, more than the 20 it becomes, and the work and memory per picture stay bounded.
     */
    static final int WORK_SIDE = 512;
    /** Smoothed ink at least this strong (a fifth of full) marks a pixel as part of a mark. */
    private static final float MARK = 0.2f * PEAK;
    /** A mark with less than this share of the largest mark's ink is a speck, not part of the digit. */
    static final double MIN_PART = 0.05;
    /** Soft stroke edges fainter than {@link #MARK} are kept within this many pixels of a kept mark: the smoothed mark already reaches a pixel past the stroke, and JPEG ringing lies further out. */
    private static final int EDGE = 1;

    /** Returns 784 bytes in MNIST's layout, or refuses a picture with no ink as {@link Reason#EMPTY_PICTURE}. */
    public byte[] prepare(GreyImage picture) throws InvalidInputException {
        GreyImage work = shrink(picture);
        int w = work.width();
        int h = work.height();
        float[] ink = InkReading.of(work).inkMap(work);
        keepDigit(ink, w, h);
        int[] box = inkBounds(ink, w, h);
        if (box[2] < 0) {
            throw new InvalidInputException(Reason.EMPTY_PICTURE, "picture has no ink: nothing stands out of the paper");
        }
        int cropWidth = box[2] - box[0] + 1;
        int cropHeight = box[3] - box[1] + 1;
        float[] crop = new float[cropWidth * cropHeight];
        for (int y = 0; y < cropHeight; y++) {
            System.arraycopy(ink, (box[1] + y) * w + box[0], crop, y * cropWidth, cropWidth);
        }
        double scale = (double) BOX / Math.max(cropWidth, cropHeight);
        int width = fit(cropWidth * scale);
        int height = fit(cropHeight * scale);
        float[] fitted = Resampler.resize(crop, cropWidth, cropHeight, width, height);
        return centre(stretch(fitted), width, height);
    }

    /** The picture area-averaged down to at most {@link #WORK_SIDE} a side, keeping its aspect ratio. */
    static GreyImage shrink(GreyImage picture) {
        int longer = Math.max(picture.width(), picture.height());
        if (longer <= WORK_SIDE) {
            return picture;
        }
        double scale = (double) WORK_SIDE / longer;
        int w = Math.max(1, (int) Math.round(picture.width() * scale));
        int h = Math.max(1, (int) Math.round(picture.height() * scale));
        return new GreyImage(w, h, Resampler.resize(picture.luminance(), picture.width(), picture.height(), w, h));
    }

    /** Zeroes all ink but the digit's marks and their soft edges. */
    private static void keepDigit(float[] ink, int w, int h) {
        float[] smooth = Filters.box3(ink, w, h);
        boolean[] marks = new boolean[ink.length];
        boolean any = false;
        for (int i = 0; i < ink.length; i++) {
            marks[i] = smooth[i] >= MARK;
            any |= marks[i];
        }
        if (!any) {
            return; // a digit of lone pixels (a tiny picture): nothing to tell specks by, keep it all
        }
        double[][] mass = new double[1][];
        int[] labels = Filters.components(marks, ink, w, h, mass);
        double largest = 0;
        for (double m : mass[0]) {
            largest = Math.max(largest, m);
        }
        for (int i = 0; i < ink.length; i++) {
            marks[i] = labels[i] != 0 && mass[0][labels[i]] >= MIN_PART * largest;
        }
        boolean[] kept = Filters.dilate(marks, w, h, EDGE);
        for (int i = 0; i < ink.length; i++) {
            if (!kept[i]) {
                ink[i] = 0;
            }
        }
    }

    /** {minX, minY, maxX, maxY} of the ink; maxX is -1 when there is none. */
    private static int[] inkBounds(float[] ink, int w, int h) {
        int[] box = {Integer.MAX_VALUE, Integer.MAX_VALUE, -1, -1};
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                if (ink[y * w + x] > 0) {
                    box[0] = Math.min(box[0], x);
                    box[1] = Math.min(box[1], y);
                    box[2] = Math.max(box[2], x);
                    box[3] = Math.max(box[3], y);
                }
            }
        }
        return box;
    }

    private static int fit(double length) {
        return Math.max(1, Math.min(BOX, (int) Math.round(length)));
    }

    /** Thin strokes in a big picture fade when averaged down; MNIST's strokes peak at full ink. */
    private static float[] stretch(float[] values) {
        float max = 0;
        for (float v : values) {
            max = Math.max(max, v);
        }
        for (int i = 0; i < values.length; i++) {
            values[i] = values[i] * PEAK / max;
        }
        return values;
    }

    /** Shifts by the rounded offset that puts the centre of mass at (14, 14), kept inside the frame. */
    private static byte[] centre(float[] values, int width, int height) {
        double mass = 0;
        double sumX = 0;
        double sumY = 0;
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                float v = values[y * width + x];
                mass += v;
                sumX += v * x;
                sumY += v * y;
            }
        }
        int left = clamp((int) Math.round(CENTRE - sumX / mass), SIDE - width);
        int top = clamp((int) Math.round(CENTRE - sumY / mass), SIDE - height);
        byte[] out = new byte[SIDE * SIDE];
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                int v = Math.round(values[y * width + x]);
                out[(top + y) * SIDE + left + x] = (byte) Math.max(0, Math.min(255, v));
            }
        }
        return out;
    }

    private static int clamp(int offset, int max) {
        return Math.max(0, Math.min(max, offset));
    }
}
