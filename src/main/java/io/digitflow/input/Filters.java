package io.digitflow.input;

/** Small neighbourhood filters on row-major pictures, each linear in the pixel count. */
final class Filters {

    private Filters() {
    }

    /** The mean of each pixel's 3x3 neighbourhood (clipped at the edges): sensor noise falls to a third. */
    static float[] box3(float[] values, int w, int h) {
        float[] rows = new float[values.length];
        for (int y = 0; y < h; y++) {
            int base = y * w;
            for (int x = 0; x < w; x++) {
                float sum = values[base + x];
                int n = 1;
                if (x > 0) {
                    sum += values[base + x - 1];
                    n++;
                }
                if (x < w - 1) {
                    sum += values[base + x + 1];
                    n++;
                }
                rows[base + x] = sum / n;
            }
        }
        float[] out = new float[values.length];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int i = y * w + x;
                float sum = rows[i];
                int n = 1;
                if (y > 0) {
                    sum += rows[i - w];
                    n++;
                }
                if (y < h - 1) {
                    sum += rows[i + w];
                    n++;
                }
                out[i] = sum / n;
            }
        }
        return out;
    }

    /** Grows the true pixels of {@code mask} by {@code radius} in every direction (a square structuring element). */
    static boolean[] dilate(boolean[] mask, int w, int h, int radius) {
        boolean[] rows = new boolean[mask.length];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                if (mask[y * w + x]) {
                    for (int k = Math.max(0, x - radius); k <= Math.min(w - 1, x + radius); k++) {
                        rows[y * w + k] = true;
                    }
                }
            }
        }
        boolean[] out = new boolean[mask.length];
        for (int x = 0; x < w; x++) {
            for (int y = 0; y < h; y++) {
                if (rows[y * w + x]) {
                    for (int k = Math.max(0, y - radius); k <= Math.min(h - 1, y + radius); k++) {
                        out[k * w + x] = true;
                    }
                }
            }
        }
        return out;
    }

    /**
     * Labels the 8-connected components of {@code mask} (0 = not in the mask, 1.. = component) and returns the
     * labels; {@code mass} receives each component's summed {@code weights}, indexed by label, and must hold
     * {@code mask.length + 1} entries at most. An explicit stack of at most one entry per pixel: no recursion.
     */
    static int[] components(boolean[] mask, float[] weights, int w, int h, double[][] massOut) {
        int[] labels = new int[mask.length];
        int[] stack = new int[mask.length];
        double[] mass = new double[16];
        int next = 0;
        for (int start = 0; start < mask.length; start++) {
            if (!mask[start] || labels[start] != 0) {
                continue;
            }
            next++;
            if (next >= mass.length) {
                mass = java.util.Arrays.copyOf(mass, Math.min(mask.length + 1, mass.length * 2));
            }
            int top = 0;
            stack[top++] = start;
            labels[start] = next;
            while (top > 0) {
                int i = stack[--top];
                mass[next] += weights[i];
                int x = i % w;
                int y = i / w;
                for (int dy = -1; dy <= 1; dy++) {
                    int ny = y + dy;
                    if (ny < 0 || ny >= h) {
                        continue;
                    }
                    for (int dx = -1; dx <= 1; dx++) {
                        int nx = x + dx;
                        int j = ny * w + nx;
                        if (nx >= 0 && nx < w && mask[j] && labels[j] == 0) {
                            labels[j] = next;
                            stack[top++] = j;
                        }
                    }
                }
            }
        }
        massOut[0] = java.util.Arrays.copyOf(mass, next + 1);
        return labels;
    }
}
