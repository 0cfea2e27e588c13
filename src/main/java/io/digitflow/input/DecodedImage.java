package io.digitflow.input;

import io.digitflow.Shape;
/**
 * One decoded digit: 784 bytes in MNIST's layout, the id a JSON record carried (else null), and the format read.
 *
 * <p>For {@link InputFormat#RAW} {@code pixels} is the record value itself, not a copy: callers must not
 * mutate it. Record equality compares the array by reference.
 */
public record DecodedImage(byte[] pixels, String idOrNull, InputFormat format) {

    /** Side of the square image. */
    public static final int SIDE = Shape.SIDE;
    /** Number of pixels, the length of {@link #pixels()}. */
    public static final int PIXELS = Shape.PIXELS;
    /**
     * Longest id a prediction carries, in characters. Each prediction repeats its id (JSON-escaped, up to
     * 6 bytes a character), so without a bound a hostile id could make an output the broker refuses.
     */
    public static final int MAX_ID_CHARS = 1024;
}
