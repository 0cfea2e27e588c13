package io.digitflow.input;

/**
 * Area-averaging resize: each output pixel is the mean of the source area it covers, the anti-aliasing that
 * gave MNIST its grey edges. Separable (rows, then columns), so the cost is linear in the source size.
 */
final class Resampler {

    private Resampler() {
    }

    static float[] resize(float[] source, int sourceWidth, int sourceHeight, int width, int height) {
        float[] rows = new float[sourceHeight * width];
        for (int y = 0; y < sourceHeight; y++) {
            resampleLine(source, y * sourceWidth, 1, sourceWidth, rows, y * width, 1, width);
        }
        float[] out = new float[height * width];
        for (int x = 0; x < width; x++) {
            resampleLine(rows, x, width, sourceHeight, out, x, width, height);
        }
        return out;
    }

    /** Resamples n values at src[from + i * step] into m values at dst[to + j * dstStep]. */
    private static void resampleLine(float[] src, int from, int step, int n, float[] dst, int to, int dstStep, int m) {
        double scale = (double) n / m; // source pixels per output pixel; below 1 when enlarging
        for (int j = 0; j < m; j++) {
            double start = j * scale;
            double end = (j + 1) * scale;
            int last = Math.min(n, (int) Math.ceil(end));
            double sum = 0;
            for (int i = (int) start; i < last; i++) {
                double overlap = Math.min(end, i + 1) - Math.max(start, i);
                sum += overlap * src[from + i * step];
            }
            dst[to + j * dstStep] = (float) (sum / scale);
        }
    }
}
