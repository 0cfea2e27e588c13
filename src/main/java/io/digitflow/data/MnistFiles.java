package io.digitflow.data;

import java.util.List;
import java.util.Map;

/** The four standard MNIST file names and the SHA-256 of their un-gzipped content. */
public final class MnistFiles {

    public static final String TRAIN_IMAGES = "train-images-idx3-ubyte.gz";
    public static final String TRAIN_LABELS = "train-labels-idx1-ubyte.gz";
    public static final String TEST_IMAGES = "t10k-images-idx3-ubyte.gz";
    public static final String TEST_LABELS = "t10k-labels-idx1-ubyte.gz";

    /** Training files first: the order they are fetched and reported in. */
    public static final List<String> ALL = List.of(TRAIN_IMAGES, TRAIN_LABELS, TEST_IMAGES, TEST_LABELS);

    /**
     * SHA-256 of each file after gunzip ({@code gzip -dc FILE | sha256sum}). We check the content,
     * not the .gz bytes, because copies of MNIST are re-compressed: the archive the mirrors serve
     * (train-images 9 912 422 bytes, SHA-256 440fcabf...) and a {@code gzip -9n} copy of it hold the
     * same 47 040 016 bytes of IDX but differ as files. A content mismatch means other data.
     */
    public static final Map<String, String> CONTENT_SHA256 = Map.of(
            TRAIN_IMAGES, "ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db",
            TRAIN_LABELS, "65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5",
            TEST_IMAGES, "0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7",
            TEST_LABELS, "ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2");

    private MnistFiles() {
    }

    /** The name once un-gzipped: {@code train-images-idx3-ubyte.gz} becomes {@code train-images-idx3-ubyte}. */
    public static String unzippedName(String fileName) {
        return fileName.endsWith(".gz") ? fileName.substring(0, fileName.length() - 3) : fileName;
    }
}
