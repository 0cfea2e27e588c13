package io.digitflow.support;

import java.awt.image.BufferedImage;
import java.util.Locale;
import java.util.Random;

/**
 * Renders 28x28 MNIST digits as photo-like pictures with a known label, the way people send them: ink of some
 * colour on tinted paper lit unevenly, the digit 2-8x MNIST size, slightly rotated, at an offset in a larger frame,
 * with sensor noise, saved as PNG or as JPEG of quality 50-95; one in ten is light chalk on a dark board.
 * Deterministic for a given seed.
 */
public final class PhotoDigits {

    /** How one picture was drawn, for reporting accuracy per condition. */
    public record Condition(boolean jpeg, int quality, double noise, double scale, double rotationDegrees,
                            boolean lightOnDark, boolean colourInk, double gradient) {

        public String format() {
            return jpeg ? "JPEG" : "PNG";
        }

        public String noiseBand() {
            return noise < 3 ? "noise 0-3" : noise < 7 ? "noise 3-7" : "noise 7-10";
        }

        public String scaleBand() {
            return scale < 4 ? "scale 2-4x" : scale < 6 ? "scale 4-6x" : "scale 6-8x";
        }

        public String qualityBand() {
            return !jpeg ? "PNG (lossless)" : quality < 70 ? "JPEG q50-69" : "JPEG q70-95";
        }

        public String rotationBand() {
            return Math.abs(rotationDegrees) < 5 ? "rotation <5°" : "rotation 5-10°";
        }

        public String polarity() {
            return lightOnDark ? "light on dark" : "dark on light";
        }

        @Override
        public String toString() {
            return String.format(Locale.ROOT, "%s q%d noise %.1f scale %.1f rot %.1f %s%s", format(), quality, noise,
                    scale, rotationDegrees, polarity(), colourInk ? " colour ink" : "");
        }
    }

    /** One rendered picture: the encoded bytes, its decoded look and how it was drawn. */
    public record Photo(byte[] bytes, BufferedImage image, Condition condition) {
    }

    private final Random random;

    public PhotoDigits(long seed) {
        this.random = new Random(seed);
    }

    /** Renders {@code mnist} (784 bytes, light ink on black) as a picture; {@code jpeg} picks the encoding. */
    public Photo render(byte[] mnist, boolean jpeg) {
        double scale = 2 + 6 * random.nextDouble();
        double rotation = Math.toRadians(-10 + 20 * random.nextDouble());
        double frame = 1.2 + 0.4 * random.nextDouble();
        int size = (int) Math.round(28 * scale * frame);
        int width = size + random.nextInt(Math.max(1, size / 4));
        int height = size;
        double centreX = width / 2.0 + (random.nextDouble() - 0.5) * (width - 28 * scale * 0.9);
        double centreY = height / 2.0 + (random.nextDouble() - 0.5) * (height - 28 * scale * 0.9);
        boolean lightOnDark = random.nextInt(10) == 0;
        boolean colourInk = !lightOnDark && random.nextBoolean();
        double noise = 10 * random.nextDouble();
        int quality = jpeg ? 50 + random.nextInt(46) : 0;

        double[] paper;
        double[] ink;
        if (lightOnDark) {
            paper = new double[] {20 + 40 * random.nextDouble(), 30 + 40 * random.nextDouble(), 25 + 40 * random.nextDouble()};
            ink = new double[] {200 + 55 * random.nextDouble(), 200 + 55 * random.nextDouble(), 190 + 55 * random.nextDouble()};
        } else {
            double base = 185 + 65 * random.nextDouble();
            paper = new double[] {base - 25 * random.nextDouble(), base - 20 * random.nextDouble(), base - 40 * random.nextDouble()};
            ink = colourInk
                    ? new double[] {90 * random.nextDouble(), 90 * random.nextDouble(), 60 + 110 * random.nextDouble()}
                    : new double[] {40 * random.nextDouble(), 40 * random.nextDouble(), 40 * random.nextDouble()};
            if (colourInk && random.nextBoolean()) { // red ink
                ink = new double[] {130 + 60 * random.nextDouble(), 20 * random.nextDouble(), 20 + 30 * random.nextDouble()};
            }
        }
        // Uneven light: a plane of up to +-25 grey levels across the picture, in a random direction.
        double gradient = 25 * random.nextDouble();
        double angle = 2 * Math.PI * random.nextDouble();
        double gx = gradient * Math.cos(angle) / width;
        double gy = gradient * Math.sin(angle) / height;

        double cos = Math.cos(rotation);
        double sin = Math.sin(rotation);
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        int[] row = new int[width];
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                double dx = (x + 0.5 - centreX) / scale;
                double dy = (y + 0.5 - centreY) / scale;
                double u = cos * dx + sin * dy + 14;
                double v = -sin * dx + cos * dy + 14;
                double a = sample(mnist, u - 0.5, v - 0.5) / 255.0;
                double light = gx * (x - width / 2.0) + gy * (y - height / 2.0);
                int rgb = 0;
                for (int c = 0; c < 3; c++) {
                    double value = paper[c] * (1 - a) + ink[c] * a + light + noise * random.nextGaussian();
                    rgb = (rgb << 8) | (int) Math.max(0, Math.min(255, Math.round(value)));
                }
                row[x] = rgb;
            }
            image.setRGB(0, y, width, 1, row, 0, width);
        }
        byte[] bytes = jpeg ? Pictures.jpeg(image, quality / 100f) : Pictures.png(image);
        return new Photo(bytes, image, new Condition(jpeg, quality, noise, scale, Math.toDegrees(rotation),
                lightOnDark, colourInk, gradient));
    }

    /** Bilinear sample of the 28x28 digit at pixel-centre coordinates; 0 outside. */
    private static double sample(byte[] mnist, double u, double v) {
        int x0 = (int) Math.floor(u);
        int y0 = (int) Math.floor(v);
        double fx = u - x0;
        double fy = v - y0;
        return (1 - fy) * ((1 - fx) * at(mnist, x0, y0) + fx * at(mnist, x0 + 1, y0))
                + fy * ((1 - fx) * at(mnist, x0, y0 + 1) + fx * at(mnist, x0 + 1, y0 + 1));
    }

    private static int at(byte[] mnist, int x, int y) {
        return x < 0 || y < 0 || x >= 28 || y >= 28 ? 0 : mnist[y * 28 + x] & 0xFF;
    }
}
