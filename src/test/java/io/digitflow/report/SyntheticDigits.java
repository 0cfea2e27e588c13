package io.digitflow.report;

import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.AffineTransform;
import java.awt.image.BufferedImage;

/** Digit-like test images without MNIST: a glyph drawn white on black, tilted a little, 28 x 28. */
final class SyntheticDigits {

    private SyntheticDigits() {
    }

    /** n images, the i-th showing {@code digits[i]}; the tilt varies with i so they differ. */
    static byte[] images(int[] digits) {
        byte[] all = new byte[digits.length * DigitGrid.PIXELS];
        for (int i = 0; i < digits.length; i++) {
            System.arraycopy(image(digits[i], ((i * 7) % 5 - 2) * 0.08), 0, all, i * DigitGrid.PIXELS, DigitGrid.PIXELS);
        }
        return all;
    }

    static byte[] image(int digit, double tilt) {
        BufferedImage image = new BufferedImage(28, 28, BufferedImage.TYPE_BYTE_GRAY);
        Graphics2D g = image.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 24));
        g.transform(AffineTransform.getRotateInstance(tilt, 14, 14));
        FontMetrics metrics = g.getFontMetrics();
        String text = Integer.toString(digit);
        g.drawString(text, 14 - metrics.stringWidth(text) / 2f, 14 + metrics.getAscent() * 0.36f);
        g.dispose();
        byte[] pixels = new byte[DigitGrid.PIXELS];
        image.getRaster().getDataElements(0, 0, 28, 28, pixels);
        return pixels;
    }
}
