package io.digitflow.input;

/**
 * Prepares a picture the way MNIST's digits were made: grey ink light on dark, cropped to the ink, fitted into
 * 20x20 keeping its aspect ratio, and placed in 28x28 with its centre of mass at the centre. Stateless.
 */
public final class MnistPreprocessor {

    private static final int SIDE = DecodedImage.SIDE;
    /** MNIST fitted each digit into 20x20: 9997 of the 10000 test digits are 20 pixels along their longer side. */
    private static final int BOX = 20;
    /** MNIST's centres of mass, in pixel indices: the test set's mean is (14.0, 14.0), each within 0.5 of it. */
    private static final double CENTRE = 14.0;
    /** MNIST's ink peaks at 254-255 in every test digit, so prepared digits are stretched to peak there too. */
    private static final float PEAK = 255f;
    /** Fewer grey levels than this between background and ink is no picture: stretching it would make noise a digit. */
    private static final float MIN_CONTRAST = 32f;
    /** Stretched ink fainter than this (10%) is background: it keeps JPEG ringing and paper grain out of the crop. */
    private static final float INK_THRESHOLD = 0.1f * PEAK;

    /** Returns 784 bytes in MNIST's layout, or refuses a picture with no ink as {@link Reason#EMPTY_PICTURE}. */
    public byte[] prepare(GreyImage picture) throws InvalidInputException {
        Ink ink = Ink.of(picture);
        int[] box = inkBounds(picture, ink);
        int cropWidth = box[2] - box[0] + 1;
        int cropHeight = box[3] - box[1] + 1;
        float[] crop = new float[cropWidth * cropHeight];
        for (int y = 0; y < cropHeight; y++) {
            for (int x = 0; x < cropWidth; x++) {
                crop[y * cropWidth + x] = ink.at(picture.at(box[0] + x, box[1] + y));
            }
        }
        double scale = (double) BOX / Math.max(cropWidth, cropHeight);
        int width = fit(cropWidth * scale);
        int height = fit(cropHeight * scale);
        float[] fitted = Resampler.resize(crop, cropWidth, cropHeight, width, height);
        return centre(stretch(fitted), width, height);
    }

    /** {minX, minY, maxX, maxY} of the ink; never empty, since {@link Ink#of} found contrast. */
    private static int[] inkBounds(GreyImage picture, Ink ink) {
        int[] box = {Integer.MAX_VALUE, Integer.MAX_VALUE, -1, -1};
        for (int y = 0; y < picture.height(); y++) {
            for (int x = 0; x < picture.width(); x++) {
                if (ink.at(picture.at(x, y)) > 0) {
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

    /**
     * How to read ink from luminance: the picture's polarity, its background level and its contrast.
     * The background is the median of the border, which ink rarely covers; a picture whose border is lighter
     * than its mean is dark ink on light paper and is inverted, as MNIST's ink is light on dark.
     */
    private record Ink(boolean inverted, float background, float contrast) {

        static Ink of(GreyImage picture) throws InvalidInputException {
            double sum = 0; // double: a float sum over millions of pixels drifts
            float min = 255;
            float max = 0;
            for (float v : picture.luminance()) {
                sum += v;
                min = Math.min(min, v);
                max = Math.max(max, v);
            }
            double mean = sum / picture.luminance().length;
            float border = borderMedian(picture);
            boolean inverted = border > mean;
            float background = inverted ? 255 - border : border;
            float contrast = (inverted ? 255 - min : max) - background;
            if (contrast < MIN_CONTRAST) {
                throw new InvalidInputException(Reason.EMPTY_PICTURE, String.format(
                        "picture has no ink: ink and background differ by %.0f grey levels, at least %.0f needed",
                        contrast, MIN_CONTRAST));
            }
            return new Ink(inverted, background, contrast);
        }

        /** 0 for background, up to 255 for the strongest ink. */
        float at(float luminance) {
            float v = ((inverted ? 255 - luminance : luminance) - background) * PEAK / contrast;
            return v < INK_THRESHOLD ? 0 : Math.min(PEAK, v);
        }

        /** A histogram, not a sort: border values are grey levels, and this allocates 1 KiB whatever the size. */
        private static float borderMedian(GreyImage picture) {
            int w = picture.width();
            int h = picture.height();
            int[] counts = new int[256];
            int n = 0;
            for (int y = 0; y < h; y++) {
                boolean edgeRow = y == 0 || y == h - 1;
                for (int x = 0; x < w; x += edgeRow || x == w - 1 ? 1 : w - 1) {
                    counts[Math.round(Math.max(0, Math.min(255, picture.at(x, y))))]++;
                    n++;
                }
            }
            int seen = 0;
            for (int level = 0; level < 256; level++) {
                seen += counts[level];
                if (seen * 2 >= n) {
                    return level;
                }
            }
            return 255;
        }
    }
}
