package io.digitflow.data;

import java.nio.file.Path;

/**
 * The images of one IDX file: {@code count} images of 28x28 unsigned bytes, row-major.
 * The array is the reader's own and is not copied (47 MB for the training set).
 */
public record IdxImages(Path file, int count, byte[] pixels) {
}
