package io.digitflow.input;

import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.ComponentColorModel;
import java.awt.image.Raster;

/** Converts a decoded picture to grey luminance, compositing any transparency over white. */
final class Luminance {

    private static final float WHITE = 255f;

    private Luminance() {
    }

    static GreyImage of(BufferedImage image) {
        ColorModel cm = image.getColorModel();
        // Grey pictures are read from the raster: getRGB would push them through the linear-grey colour
        // space and brighten them (128 comes back as 188).
        if (cm instanceof ComponentColorModel && cm.getColorSpace().getType() == ColorSpace.TYPE_GRAY) {
            return grey(image.getRaster(), cm);
        }
        return rgb(image);
    }

    private static GreyImage grey(Raster raster, ColorModel cm) {
        int w = raster.getWidth();
        int h = raster.getHeight();
        float greyScale = WHITE / ((1 << cm.getComponentSize(0)) - 1); // 8- or 16-bit samples
        boolean alpha = cm.hasAlpha();
        float alphaScale = alpha ? 1f / ((1 << cm.getComponentSize(1)) - 1) : 0f;
        float[] out = new float[w * h];
        int[] grey = new int[w];
        int[] opacity = alpha ? new int[w] : null;
        for (int y = 0; y < h; y++) {
            raster.getSamples(raster.getMinX(), raster.getMinY() + y, w, 1, 0, grey);
            if (alpha) {
                raster.getSamples(raster.getMinX(), raster.getMinY() + y, w, 1, 1, opacity);
            }
            for (int x = 0; x < w; x++) {
                float v = grey[x] * greyScale;
                out[y * w + x] = alpha ? overWhite(v, opacity[x] * alphaScale, cm.isAlphaPremultiplied()) : v;
            }
        }
        return new GreyImage(w, h, out);
    }

    private static GreyImage rgb(BufferedImage image) {
        int w = image.getWidth();
        int h = image.getHeight();
        float[] out = new float[w * h];
        int[] row = new int[w]; // a row at a time: a whole-picture int[] would double the peak memory
        for (int y = 0; y < h; y++) {
            image.getRGB(0, y, w, 1, row, 0, w);
            for (int x = 0; x < w; x++) {
                int argb = row[x];
                // ITU-R BT.601 weights, as PIL's convert("L") uses, so pictures grey the way MNIST tooling does.
                float v = 0.299f * ((argb >> 16) & 0xFF) + 0.587f * ((argb >> 8) & 0xFF) + 0.114f * (argb & 0xFF);
                out[y * w + x] = overWhite(v, (argb >>> 24) / 255f, false);
            }
        }
        return new GreyImage(w, h, out);
    }

    /** Transparent areas read as paper: drawing apps export dark strokes on a transparent canvas. */
    private static float overWhite(float value, float alpha, boolean premultiplied) {
        return (premultiplied ? value : value * alpha) + WHITE * (1f - alpha);
    }
}
