package io.digitflow.input;

/**
 * How to read ink from a picture's luminance, estimated from the picture itself: its polarity, the paper's
 * brightness as a gentle {@link BackgroundPlane}, the paper's noise and the ink's level above the paper.
 *
 * <ul>
 * <li>Paper is most of any digit picture, so its level starts at the median; the ink is the longer tail
 *     beyond it (dark on light, or light on dark), judged on a 3x3-smoothed copy so sensor noise does not decide.
 * <li>The paper plane is fitted to the pixels on the paper side of Otsu's split, twice, so uneven light
 *     is taken out before the split is made again.
 * <li>Noise is the paper's median absolute deviation (x1.4826, a Gaussian's sigma); ink is the median of the
 *     pixels beyond Otsu's split. Ink within {@link #MIN_CONTRAST} grey levels or {@link #MIN_SIGMAS} sigmas
 *     of the paper is no ink: the picture is refused as {@link Reason#EMPTY_PICTURE}.
 * </ul>
 *
 * @param dark     dark ink on light paper (the luminance is read inverted)
 * @param paper    the paper's brightness
 * @param sigma    the paper's noise, in grey levels
 * @param inkLevel the typical ink's distance from the paper, in grey levels
 * @param minFloor the least noise floor, as a share of the ink level
 */
record InkReading(boolean dark, BackgroundPlane paper, float sigma, float inkLevel, float minFloor) {

    /** Fewer grey levels than this between paper and ink is no picture: stretching it would make noise a digit. */
    static final float MIN_CONTRAST = 32f;
    /** Ink must stand this many noise sigmas above the paper: a grainy blank page is not a digit. */
    static final float MIN_SIGMAS = 5f;
    /** The noise floor removed from every pixel, in sigmas: 3 leaves 0.1% of the paper's pixels as specks. */
    static final float FLOOR_SIGMAS = 3f;
    /**
     * The floor is at least this share of the ink level: JPEG ringing and paper grain stay out, and so does the
     * faint fringe an enlarged, rotated stroke gets, which would widen the crop and shrink the digit (on the
     * picture benchmark a quarter does better than a tenth, most of all on clean and small pictures).
     */
    static final float MIN_FLOOR = 0.25f;
    /**
     * ... but a tenth for a picture at about MNIST's own size (under {@link #ENLARGED} pixels a side): there the
     * faint fringe is the anti-aliasing MNIST's digits have and belongs to the digit.
     */
    static final float MIN_FLOOR_SMALL = 0.1f;
    static final int ENLARGED = 2 * DecodedImage.SIDE;
    /** ... and at most this share, so that heavy noise does not eat the strokes. */
    static final float MAX_FLOOR = 0.5f;
    /**
     * Ink this close to the typical ink level (90% of it) is full ink, as MNIST's stroke cores are: uneven
     * light or noise on a uniform stroke does not make it mottled.
     */
    static final float FULL_INK = 0.9f;

    private static final int BINS = 256;
    /** Deviations are histogrammed in quarter grey levels: noise of sigma 1 still spans several bins. */
    private static final int FINE = 4;

    static InkReading of(GreyImage picture) throws InvalidInputException {
        int w = picture.width();
        int h = picture.height();
        float[] lum = picture.luminance();
        float median = percentile(histogram(lum), lum.length, 0.5);
        float[] smooth = Filters.box3(lum, w, h);
        float min = 255;
        float max = 0;
        for (float v : smooth) {
            min = Math.min(min, v);
            max = Math.max(max, v);
        }
        boolean dark = median - min > max - median;

        BackgroundPlane plane = BackgroundPlane.flat(median, w, h);
        float[] ink = new float[lum.length];
        boolean[] paper = new boolean[lum.length];
        float split = 0;
        for (int pass = 0; pass < 3; pass++) {
            strength(lum, plane, dark, w, h, ink);
            split = otsu(ink);
            if (pass == 2) {
                break;
            }
            for (int i = 0; i < ink.length; i++) {
                paper[i] = ink[i] < split;
            }
            plane = BackgroundPlane.fit(lum, paper, w, h, median);
        }

        int[] deviations = new int[BINS * FINE];
        int paperCount = 0;
        int[] inkHistogram = new int[BINS];
        int inkCount = 0;
        for (float s : ink) {
            if (s < split || split <= 0) {
                deviations[Math.min(BINS * FINE - 1, Math.round(Math.abs(s) * FINE))]++;
                paperCount++;
            } else {
                inkHistogram[bin(s)]++;
                inkCount++;
            }
        }
        float sigma = paperCount == 0 ? 0 : 1.4826f * percentile(deviations, paperCount, 0.5) / FINE;
        float inkLevel = inkCount == 0 ? 0 : Math.max(0, percentile(inkHistogram, inkCount, 0.5));
        if (inkLevel < MIN_CONTRAST) {
            throw new InvalidInputException(Reason.EMPTY_PICTURE, String.format(
                    "picture has no ink: ink and background differ by %.0f grey levels, at least %.0f needed",
                    inkLevel, MIN_CONTRAST));
        }
        if (inkLevel < MIN_SIGMAS * sigma) {
            throw new InvalidInputException(Reason.EMPTY_PICTURE, String.format(
                    "picture has no ink: ink and background differ by %.0f grey levels, within the paper's noise "
                            + "(sigma %.1f; at least %.0f sigmas needed)", inkLevel, sigma, MIN_SIGMAS));
        }
        float minFloor = Math.max(w, h) < ENLARGED ? MIN_FLOOR_SMALL : MIN_FLOOR;
        return new InkReading(dark, plane, sigma, inkLevel, minFloor);
    }

    /** The floor below which a pixel is paper, in grey levels above the paper. */
    float floor() {
        return Math.max(minFloor * inkLevel, Math.min(MAX_FLOOR * inkLevel, FLOOR_SIGMAS * sigma));
    }

    /** Ink per pixel: 0 for paper (at or under the floor) up to 255 for ink at 90% of the typical level or more. */
    float[] inkMap(GreyImage picture) {
        int w = picture.width();
        int h = picture.height();
        float[] out = new float[w * h];
        strength(picture.luminance(), paper, dark, w, h, out);
        float floor = floor();
        float scale = 255f / Math.max(1f, FULL_INK * inkLevel - floor);
        for (int i = 0; i < out.length; i++) {
            out[i] = Math.max(0, Math.min(255, (out[i] - floor) * scale));
        }
        return out;
    }

    /** Signed distance of each pixel from the paper towards the ink. */
    private static void strength(float[] lum, BackgroundPlane plane, boolean dark, int w, int h, float[] out) {
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int i = y * w + x;
                float d = lum[i] - plane.at(x, y);
                out[i] = dark ? -d : d;
            }
        }
    }

    /** Otsu's threshold over the non-negative strengths; 0 when they are all one level. */
    private static float otsu(float[] strengths) {
        int[] counts = new int[BINS];
        for (float s : strengths) {
            counts[bin(s)]++;
        }
        long total = strengths.length;
        double sumAll = 0;
        for (int level = 0; level < BINS; level++) {
            sumAll += (double) level * counts[level];
        }
        double best = -1;
        int threshold = 0;
        long below = 0;
        double sumBelow = 0;
        for (int level = 0; level < BINS - 1; level++) {
            below += counts[level];
            sumBelow += (double) level * counts[level];
            long above = total - below;
            if (below == 0 || above == 0) {
                continue;
            }
            double meanBelow = sumBelow / below;
            double meanAbove = (sumAll - sumBelow) / above;
            double between = (double) below * above * (meanBelow - meanAbove) * (meanBelow - meanAbove);
            if (between > best) {
                best = between;
                threshold = level + 1;
            }
        }
        return threshold;
    }

    private static int bin(float strength) {
        return Math.max(0, Math.min(BINS - 1, Math.round(strength)));
    }

    private static int[] histogram(float[] lum) {
        int[] counts = new int[BINS];
        for (float v : lum) {
            counts[bin(v)]++;
        }
        return counts;
    }

    /** The bin at which the cumulative count first reaches {@code fraction} of {@code total}. */
    private static float percentile(int[] counts, long total, double fraction) {
        long seen = 0;
        for (int level = 0; level < counts.length; level++) {
            seen += counts[level];
            if (seen >= fraction * total) {
                return level;
            }
        }
        return counts.length - 1;
    }
}
