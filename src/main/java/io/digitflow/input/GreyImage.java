package io.digitflow.input;

/**
 * A grey picture of any size: row-major luminance from 0 (black) to 255 (white), in whatever polarity it was drawn.
 * The array is not copied; it belongs to this image.
 */
public record GreyImage(int width, int height, float[] luminance) {

    public GreyImage {
        if (width <= 0 || height <= 0 || luminance.length != (long) width * height) {
            throw new IllegalArgumentException("a " + width + "x" + height + " grey image needs "
                    + (long) width * height + " values, got " + luminance.length);
        }
    }

    public float at(int x, int y) {
        return luminance[y * width + x];
    }
}
