package io.digitflow.report;

import io.digitflow.Shape;
/**
 * Draws a 28 x 28 digit in the terminal with Unicode block characters, for {@code predict}.
 *
 * <p>A terminal cell is about twice as tall as it is wide, so a pixel is either two characters
 * wide ({@link #render}) or half a character tall ({@link #renderCompact}); both keep the digit's
 * proportions. The characters need a UTF-8 terminal.
 */
public final class AsciiDigit {

    /** Side of the image, in pixels. */
    public static final int SIDE = Shape.SIDE;
    /** Background to full ink: each step covers a fifth of the 0-255 range. */
    static final String SHADES = " ░▒▓█";
    /** Half-block mode has no shades: a pixel counts as ink from this value. */
    static final int INK = 128;

    private AsciiDigit() {
    }

    /** 28 lines of 56 characters (two per pixel), each ending in a newline; shaded by intensity. */
    public static String render(byte[] pixels) {
        check(pixels);
        StringBuilder out = new StringBuilder(SIDE * (2 * SIDE + 1));
        for (int y = 0; y < SIDE; y++) {
            for (int x = 0; x < SIDE; x++) {
                char shade = SHADES.charAt((pixels[y * SIDE + x] & 0xFF) * SHADES.length() / 256);
                out.append(shade).append(shade);
            }
            out.append('\n');
        }
        return out.toString();
    }

    /** 14 lines of 28 characters, each character two pixels stacked (▀ ▄ █), ink or not. */
    public static String renderCompact(byte[] pixels) {
        check(pixels);
        StringBuilder out = new StringBuilder(SIDE / 2 * (SIDE + 1));
        for (int y = 0; y < SIDE; y += 2) {
            for (int x = 0; x < SIDE; x++) {
                boolean top = ink(pixels, x, y);
                boolean bottom = ink(pixels, x, y + 1);
                out.append(top ? (bottom ? '█' : '▀') : (bottom ? '▄' : ' '));
            }
            out.append('\n');
        }
        return out.toString();
    }

    private static boolean ink(byte[] pixels, int x, int y) {
        return (pixels[y * SIDE + x] & 0xFF) >= INK;
    }

    private static void check(byte[] pixels) {
        if (pixels.length != SIDE * SIDE) {
            throw new IllegalArgumentException("a digit has " + SIDE * SIDE + " pixels, got " + pixels.length);
        }
    }
}
