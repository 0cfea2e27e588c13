package io.digitflow.input;

/** Measures on 28x28 digits used by the tests: similarity and centre of mass. */
final class DigitMetrics {

    private DigitMetrics() {
    }

    /** Pearson correlation of two images' pixel values: 1 = same shape, whatever the brightness. */
    static double correlation(byte[] a, byte[] b) {
        double meanA = mean(a);
        double meanB = mean(b);
        double cov = 0;
        double varA = 0;
        double varB = 0;
        for (int i = 0; i < a.length; i++) {
            double da = (a[i] & 0xFF) - meanA;
            double db = (b[i] & 0xFF) - meanB;
            cov += da * db;
            varA += da * da;
            varB += db * db;
        }
        return cov / Math.sqrt(varA * varB);
    }

    /**
     * The best correlation of {@code a} with {@code b} moved by up to {@code maxShift} pixels each way:
     * centring by a rounded centre of mass can land a digit one pixel either side of where MNIST put it.
     */
    static double bestShiftedCorrelation(byte[] a, byte[] b, int maxShift) {
        double best = -1;
        for (int dy = -maxShift; dy <= maxShift; dy++) {
            for (int dx = -maxShift; dx <= maxShift; dx++) {
                best = Math.max(best, correlation(a, shift(b, dx, dy)));
            }
        }
        return best;
    }

    private static byte[] shift(byte[] image, int dx, int dy) {
        int side = DecodedImage.SIDE;
        byte[] out = new byte[image.length];
        for (int y = 0; y < side; y++) {
            for (int x = 0; x < side; x++) {
                int fromX = x - dx;
                int fromY = y - dy;
                if (fromX >= 0 && fromX < side && fromY >= 0 && fromY < side) {
                    out[y * side + x] = image[fromY * side + fromX];
                }
            }
        }
        return out;
    }

    /** {x, y} centre of mass of the intensities, in pixel indices. */
    static double[] centreOfMass(byte[] image) {
        double mass = 0;
        double x = 0;
        double y = 0;
        for (int i = 0; i < image.length; i++) {
            int v = image[i] & 0xFF;
            mass += v;
            x += v * (i % DecodedImage.SIDE);
            y += v * (i / DecodedImage.SIDE);
        }
        return new double[] {x / mass, y / mass};
    }

    /** {minX, minY, maxX, maxY} of the non-zero pixels. */
    static int[] inkBounds(byte[] image) {
        int[] box = {Integer.MAX_VALUE, Integer.MAX_VALUE, -1, -1};
        for (int i = 0; i < image.length; i++) {
            if (image[i] != 0) {
                int x = i % DecodedImage.SIDE;
                int y = i / DecodedImage.SIDE;
                box[0] = Math.min(box[0], x);
                box[1] = Math.min(box[1], y);
                box[2] = Math.max(box[2], x);
                box[3] = Math.max(box[3], y);
            }
        }
        return box;
    }

    static int max(byte[] image) {
        int max = 0;
        for (byte b : image) {
            max = Math.max(max, b & 0xFF);
        }
        return max;
    }

    private static double mean(byte[] image) {
        double sum = 0;
        for (byte b : image) {
            sum += b & 0xFF;
        }
        return sum / image.length;
    }
}
