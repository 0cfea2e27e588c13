package io.digitflow.report;

import io.digitflow.Shape;
import java.awt.Rectangle;

/**
 * Where each digit of a {@link DigitGrid} goes: cells of frame, digit and label, left to right,
 * top to bottom, under a one-line header. Sizes follow the scale, so a 1x grid stays compact and
 * a 4x one does not look thin.
 */
record GridLayout(int count, int columns, int scale, int headerWidth) {

    static final int SIDE = Shape.SIDE;

    GridLayout {
        if (count < 1 || columns < 1 || scale < 1) {
            throw new IllegalArgumentException("a digit grid needs at least one digit, column and scale step: count="
                    + count + " columns=" + columns + " scale=" + scale);
        }
        // A short list gets a narrow picture rather than empty columns.
        columns = Math.min(columns, count);
    }

    /** Frame thickness: at least 2 px so a red frame reads as red, not as a smudge. */
    int frame() {
        return Math.max(2, scale);
    }

    /** White space between the frame and the digit. */
    int pad() {
        return scale;
    }

    /** Label size: readable at 1x, in proportion to the digits above it at larger scales. */
    static int fontSize(int scale) {
        return Math.max(11, 4 * scale + 1);
    }

    int fontSize() {
        return fontSize(scale);
    }

    int gap() {
        return Math.max(8, 3 * scale);
    }

    int box() {
        return SIDE * scale + 2 * (frame() + pad());
    }

    int labelHeight() {
        return fontSize() + 8;
    }

    int headerHeight() {
        return fontSize() + 2 * gap();
    }

    int rows() {
        return (count + columns - 1) / columns;
    }

    int width() {
        return Math.max(gap() + columns * (box() + gap()), headerWidth + 2 * gap());
    }

    int height() {
        return headerHeight() + rows() * (box() + labelHeight() + gap());
    }

    /** The outer edge of the frame around the {@code i}-th digit shown. */
    Rectangle frame(int i) {
        int x = gap() + (i % columns) * (box() + gap());
        int y = headerHeight() + (i / columns) * (box() + labelHeight() + gap());
        return new Rectangle(x, y, box(), box());
    }

    /** The square the digit's pixels are drawn into. */
    Rectangle digit(int i) {
        Rectangle f = frame(i);
        int inset = frame() + pad();
        return new Rectangle(f.x + inset, f.y + inset, SIDE * scale, SIDE * scale);
    }
}
