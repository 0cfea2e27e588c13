package io.digitflow.data;

import java.util.Random;

/**
 * {@code train --augment}: the training digits redrawn with the variation real pictures bring once prepared:
 * shifted by up to {@link #MAX_SHIFT} pixels, scaled by 0.85-1.15 about the centre, strokes thickened or
 * thinned by a 3x3 max/min blend, and grey noise of sigma up to {@link #MAX_NOISE}. One augmented copy per
 * digit, so an epoch costs the same; deterministic for a seed. The exact recipe (no augmentation) stays the default.
 */
public final class MnistAugmenter {

    static final int MAX_SHIFT = 2;
    static final double MAX_NOISE = 12;
    private static final int SIDE = MnistSplit.ROWS;

    private MnistAugmenter() {
    }

    /** A split of the same size and labels, each image augmented once. */
    public static MnistSplit augment(MnistSplit split, long seed) {
        Random random = new Random(seed);
        byte[] images = new byte[split.images().length];
        for (int i = 0; i < split.count(); i++) {
            byte[] out = augmentOne(split.image(i), random);
            System.arraycopy(out, 0, images, i * MnistSplit.PIXELS, MnistSplit.PIXELS);
        }
        return new MnistSplit(images, split.labels().clone(), split.count());
    }

    static byte[] augmentOne(byte[] image, Random random) {
        double scale = 0.85 + 0.3 * random.nextDouble();
        double dx = random.nextInt(2 * MAX_SHIFT + 1) - MAX_SHIFT;
        double dy = random.nextInt(2 * MAX_SHIFT + 1) - MAX_SHIFT;
        double stroke = -0.5 + random.nextDouble(); // < 0 thins, > 0 thickens, by up to half a 3x3 step
        double noise = random.nextBoolean() ? MAX_NOISE * random.nextDouble() : 0;
        float[] moved = new float[MnistSplit.PIXELS];
        double centre = (SIDE - 1) / 2.0;
        for (int y = 0; y < SIDE; y++) {
            for (int x = 0; x < SIDE; x++) {
                double u = (x - dx - centre) / scale + centre;
                double v = (y - dy - centre) / scale + centre;
                moved[y * SIDE + x] = bilinear(image, u, v);
            }
        }
        byte[] out = new byte[MnistSplit.PIXELS];
        for (int y = 0; y < SIDE; y++) {
            for (int x = 0; x < SIDE; x++) {
                float value = moved[y * SIDE + x];
                if (stroke != 0) {
                    float extreme = neighbourhood(moved, x, y, stroke > 0);
                    value += (float) (Math.abs(stroke) * (extreme - value));
                }
                if (noise > 0 && value > 0) {
                    value += (float) (noise * random.nextGaussian()); // noise on the ink only: paper stays 0 after preparation
                }
                out[y * SIDE + x] = (byte) Math.max(0, Math.min(255, Math.round(value)));
            }
        }
        return out;
    }

    private static float neighbourhood(float[] image, int x, int y, boolean max) {
        float best = image[y * SIDE + x];
        for (int ny = Math.max(0, y - 1); ny <= Math.min(SIDE - 1, y + 1); ny++) {
            for (int nx = Math.max(0, x - 1); nx <= Math.min(SIDE - 1, x + 1); nx++) {
                float v = image[ny * SIDE + nx];
                best = max ? Math.max(best, v) : Math.min(best, v);
            }
        }
        return best;
    }

    private static float bilinear(byte[] image, double u, double v) {
        int x0 = (int) Math.floor(u);
        int y0 = (int) Math.floor(v);
        double fx = u - x0;
        double fy = v - y0;
        return (float) ((1 - fy) * ((1 - fx) * at(image, x0, y0) + fx * at(image, x0 + 1, y0))
                + fy * ((1 - fx) * at(image, x0, y0 + 1) + fx * at(image, x0 + 1, y0 + 1)));
    }

    private static int at(byte[] image, int x, int y) {
        return x < 0 || y < 0 || x >= SIDE || y >= SIDE ? 0 : image[y * SIDE + x] & 0xFF;
    }
}
