package io.digitflow.data;

import io.digitflow.Shape;
import java.util.Arrays;
import java.util.Objects;

/**
 * One MNIST split: {@code count} images of 28x28 bytes (row-major, 0 background to 255 ink, exactly
 * the file's bytes) and their labels. The arrays are shared, not copied, to keep 47 MB of training
 * pixels in memory once; callers must not modify them.
 */
public record MnistSplit(byte[] images, byte[] labels, int count) {

    public static final int ROWS = Shape.SIDE;
    public static final int COLS = Shape.SIDE;
    public static final int PIXELS = Shape.PIXELS;

    public MnistSplit {
        Objects.requireNonNull(images, "images");
        Objects.requireNonNull(labels, "labels");
        if (count < 0 || images.length != (long) count * PIXELS || labels.length != count) {
            throw new IllegalArgumentException("count " + count + " does not fit " + images.length
                    + " pixels and " + labels.length + " labels");
        }
    }

    /** Pairs an image file with its label file; they must describe the same number of digits. */
    public static MnistSplit of(IdxImages images, IdxLabels labels) {
        if (images.count() != labels.count()) {
            throw new DataException(images.file(), "holds " + images.count() + " images but "
                    + labels.file() + " holds " + labels.count() + " labels; they must come from the same split");
        }
        return new MnistSplit(images.pixels(), labels.labels(), images.count());
    }

    /** A copy of image {@code i}, so callers may normalise or augment it in place. */
    public byte[] image(int i) {
        Objects.checkIndex(i, count);
        return Arrays.copyOfRange(images, i * PIXELS, (i + 1) * PIXELS);
    }

    public int label(int i) {
        Objects.checkIndex(i, count);
        return labels[i];
    }
}
