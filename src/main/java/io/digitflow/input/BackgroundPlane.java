package io.digitflow.input;

/**
 * The paper's brightness as a plane a + b*x + c*y, fitted by least squares to the pixels a mask calls paper:
 * a phone photo is lit from one side, and a flat paper level would read the darker side as faint ink.
 * Gentle by design: a plane cannot follow strokes, and its tilt is capped at {@link #MAX_SPAN} grey levels
 * across the picture, so a fit pulled by a large digit never carves the digit out of the background.
 */
record BackgroundPlane(float level, float perX, float perY, int width, int height) {

    /** The most the plane may rise or fall from one side of the picture to the other, each axis. */
    static final float MAX_SPAN = 64f;

    /** A flat plane at {@code level}. */
    static BackgroundPlane flat(float level, int width, int height) {
        return new BackgroundPlane(level, 0, 0, width, height);
    }

    /**
     * Fits the plane to the values where {@code paper} is true; a flat plane at {@code fallback} when fewer
     * than three paper pixels or all of them on one line.
     */
    static BackgroundPlane fit(float[] values, boolean[] paper, int width, int height, float fallback) {
        // Coordinates centred on the picture's middle: the normal equations then stay well conditioned.
        double cx = (width - 1) / 2.0;
        double cy = (height - 1) / 2.0;
        double n = 0;
        double sx = 0;
        double sy = 0;
        double sxx = 0;
        double sxy = 0;
        double syy = 0;
        double sv = 0;
        double sxv = 0;
        double syv = 0;
        for (int y = 0; y < height; y++) {
            double dy = y - cy;
            for (int x = 0; x < width; x++) {
                int i = y * width + x;
                if (paper[i]) {
                    double dx = x - cx;
                    double v = values[i];
                    n++;
                    sx += dx;
                    sy += dy;
                    sxx += dx * dx;
                    sxy += dx * dy;
                    syy += dy * dy;
                    sv += v;
                    sxv += dx * v;
                    syv += dy * v;
                }
            }
        }
        if (n < 3) {
            return flat(fallback, width, height);
        }
        // Solve [n sx sy; sx sxx sxy; sy sxy syy] [a b c] = [sv sxv syv] by Cramer's rule.
        double det = n * (sxx * syy - sxy * sxy) - sx * (sx * syy - sxy * sy) + sy * (sx * sxy - sxx * sy);
        if (Math.abs(det) < 1e-9 * Math.max(1, n * sxx * syy)) {
            return flat((float) (sv / n), width, height);
        }
        double a = (sv * (sxx * syy - sxy * sxy) - sx * (sxv * syy - sxy * syv) + sy * (sxv * sxy - sxx * syv)) / det;
        double b = (n * (sxv * syy - sxy * syv) - sv * (sx * syy - sxy * sy) + sy * (sx * syv - sxv * sy)) / det;
        double c = (n * (sxx * syv - sxv * sxy) - sx * (sx * syv - sxv * sy) + sv * (sx * sxy - sxx * sy)) / det;
        double maxPerX = MAX_SPAN / Math.max(1, width - 1);
        double maxPerY = MAX_SPAN / Math.max(1, height - 1);
        b = Math.max(-maxPerX, Math.min(maxPerX, b));
        c = Math.max(-maxPerY, Math.min(maxPerY, c));
        // With the tilt capped, the level is refitted so the plane still passes through the paper's mean.
        a = (sv - b * sx - c * sy) / n;
        return new BackgroundPlane((float) a, (float) b, (float) c, width, height);
    }

    /** The paper's brightness at (x, y). */
    float at(int x, int y) {
        return level + perX * (x - (width - 1) / 2f) + perY * (y - (height - 1) / 2f);
    }
}
