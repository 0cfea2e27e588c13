package io.digitflow.data;

import java.nio.file.Path;

/** The labels (0-9) of one IDX file; the array is the reader's own and is not copied. */
public record IdxLabels(Path file, int count, byte[] labels) {
}
