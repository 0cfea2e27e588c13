package io.digitflow.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.Rectangle;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

/** Draws digits in a grid as a PNG, "predicted/true" under each; mistakes are framed and labelled in red. */
public final class DigitGrid {

    static {
        Headless.ensure();
    }

    /** Pixels in one image: 28 x 28, row-major. */
    public static final int PIXELS = GridLayout.SIDE * GridLayout.SIDE;

    static final Color MISTAKE = new Color(0xD62728);
    static final Color CORRECT = new Color(0x2E7D32);
    static final Color NEUTRAL_FRAME = new Color(0xC8C8C8);

    private DigitGrid() {
    }

    /**
     * Writes every image to {@code png}. {@code images} holds n images of {@link #PIXELS} bytes
     * (0 = background, 255 = ink); {@code predicted} and {@code truth} hold their n labels.
     */
    public static void write(byte[] images, int[] predicted, int[] truth, int columns, int scale, Path png)
            throws IOException {
        write(images, predicted, truth, IntStream.range(0, truth.length).toArray(), columns, scale, png);
    }

    /** Writes the images at the indices {@code show}, in that order (see {@link #selectForDisplay}). */
    public static void write(byte[] images, int[] predicted, int[] truth, int[] show, int columns, int scale,
            Path png) throws IOException {
        PngFiles.write(render(images, predicted, truth, show, columns, scale), png);
    }

    /**
     * Picks what is worth showing: the mistakes first (at most half of {@code maxCount}, unless
     * there are too few correct answers to fill the rest), then correct answers, in index order.
     */
    public static int[] selectForDisplay(int[] predicted, int[] truth, int maxCount) {
        checkLabels(predicted, truth);
        List<Integer> mistakes = new ArrayList<>();
        List<Integer> correct = new ArrayList<>();
        for (int i = 0; i < truth.length; i++) {
            (predicted[i] == truth[i] ? correct : mistakes).add(i);
        }
        int limit = Math.max(0, maxCount);
        int wrong = Math.min(mistakes.size(), (limit + 1) / 2);
        int right = Math.min(correct.size(), limit - wrong);
        wrong = Math.min(mistakes.size(), limit - right);
        return IntStream.concat(mistakes.subList(0, wrong).stream().mapToInt(Integer::intValue),
                correct.subList(0, right).stream().mapToInt(Integer::intValue)).toArray();
    }

    static BufferedImage render(byte[] images, int[] predicted, int[] truth, int[] show, int columns, int scale) {
        checkLabels(predicted, truth);
        if (images.length != truth.length * PIXELS) {
            throw new IllegalArgumentException("expected " + truth.length + " images of " + PIXELS + " bytes, got "
                    + images.length + " bytes");
        }
        Font font = new Font(Font.SANS_SERIF, Font.BOLD, GridLayout.fontSize(scale));
        String header = header(predicted, truth, show);
        GridLayout layout = new GridLayout(show.length, columns, scale, textWidth(header, font));
        BufferedImage image = new BufferedImage(layout.width(), layout.height(), BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        try {
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, layout.width(), layout.height());
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            // Nearest neighbour: each MNIST pixel stays a crisp square, as the network saw it.
            g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_NEAREST_NEIGHBOR);
            g.setFont(font);
            g.setColor(Color.DARK_GRAY);
            g.drawString(header, layout.gap(), layout.gap() + g.getFontMetrics().getAscent());
            for (int i = 0; i < show.length; i++) {
                int k = show[i];
                if (k < 0 || k >= truth.length) {
                    throw new IllegalArgumentException("index " + k + " to show is outside the " + truth.length + " images");
                }
                drawCell(g, layout, i, images, k, predicted[k], truth[k]);
            }
        } finally {
            g.dispose();
        }
        return image;
    }

    private static void drawCell(Graphics2D g, GridLayout layout, int i, byte[] images, int k, int predicted, int truth) {
        boolean wrong = predicted != truth;
        Rectangle frame = layout.frame(i);
        int t = layout.frame();
        g.setColor(wrong ? MISTAKE : NEUTRAL_FRAME);
        g.setStroke(new BasicStroke(t));
        // A stroke is centred on its path: inset by half its width so it stays inside the frame box.
        g.drawRect(frame.x + t / 2, frame.y + t / 2, frame.width - t, frame.height - t);
        Rectangle digit = layout.digit(i);
        g.drawImage(digitImage(images, k), digit.x, digit.y, digit.width, digit.height, null);

        String label = predicted + "/" + truth;
        FontMetrics metrics = g.getFontMetrics();
        g.setColor(wrong ? MISTAKE : CORRECT);
        g.drawString(label, frame.x + (frame.width - metrics.stringWidth(label)) / 2,
                frame.y + frame.height + 4 + metrics.getAscent());
    }

    /** Dark ink on white paper, which reads better on a page than MNIST's white on black. */
    private static BufferedImage digitImage(byte[] images, int k) {
        BufferedImage digit = new BufferedImage(GridLayout.SIDE, GridLayout.SIDE, BufferedImage.TYPE_BYTE_GRAY);
        int[] grey = new int[PIXELS];
        for (int p = 0; p < PIXELS; p++) {
            grey[p] = 255 - (images[k * PIXELS + p] & 0xFF);
        }
        digit.getRaster().setPixels(0, 0, GridLayout.SIDE, GridLayout.SIDE, grey);
        return digit;
    }

    static String header(int[] predicted, int[] truth, int[] show) {
        long wrong = IntStream.of(show).filter(k -> predicted[k] != truth[k]).count();
        return "predicted/true, " + wrong + " of " + show.length + " wrong (red)";
    }

    /** Measured before the picture exists, so the picture can be made wide enough for the header. */
    private static int textWidth(String text, Font font) {
        BufferedImage scratch = new BufferedImage(1, 1, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = scratch.createGraphics();
        try {
            return g.getFontMetrics(font).stringWidth(text);
        } finally {
            g.dispose();
        }
    }

    private static void checkLabels(int[] predicted, int[] truth) {
        if (predicted.length != truth.length) {
            throw new IllegalArgumentException(predicted.length + " predictions for " + truth.length + " true labels");
        }
    }
}
