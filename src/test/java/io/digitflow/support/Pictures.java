package io.digitflow.support;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/** Test pictures made from MNIST digits, the way a user would photograph or draw them. */
public final class Pictures {

    private Pictures() {
    }

    /**
     * The digit drawn dark ink on a light background at {@code scale} times its size, off-centre on a
     * larger canvas, as a PNG or JPEG ("png" / "jpg").
     */
    public static byte[] darkOnLight(byte[] pixels, int scale, String format) {
        int side = 28 * scale;
        BufferedImage img = new BufferedImage(side + 40, side + 20, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < img.getHeight(); y++) {
            for (int x = 0; x < img.getWidth(); x++) {
                img.setRGB(x, y, 0xF4F4F4);
            }
        }
        for (int y = 0; y < side; y++) {
            for (int x = 0; x < side; x++) {
                int ink = pixels[(y / scale) * 28 + x / scale] & 0xFF;
                int grey = 0xF4 - ink * 0xE0 / 255;
                img.setRGB(x + 30, y + 5, grey << 16 | grey << 8 | grey);
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            ImageIO.write(img, format, out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }
}
