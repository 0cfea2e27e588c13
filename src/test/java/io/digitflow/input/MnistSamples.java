package io.digitflow.input;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;

/**
 * Test-only reader for the first few MNIST test digits from the gzip IDX file in the folder named by
 * DIGITFLOW_DATA (the production reader lives elsewhere; this one only needs a handful of images).
 */
final class MnistSamples {

    static final String DATA_ENV = "DIGITFLOW_DATA";
    private static final String TEST_IMAGES = "t10k-images-idx3-ubyte.gz";
    private static final int IDX_IMAGES_MAGIC = 0x00000803;

    private MnistSamples() {
    }

    /** The folder with the MNIST files, or null when DIGITFLOW_DATA is unset or blank. */
    static Path dataFolder() {
        String folder = System.getenv(DATA_ENV);
        return folder == null || folder.isBlank() ? null : Path.of(folder);
    }

    /** The first {@code count} test images, each 784 bytes. */
    static List<byte[]> testImages(Path folder, int count) throws IOException {
        try (InputStream file = Files.newInputStream(folder.resolve(TEST_IMAGES));
             DataInputStream in = new DataInputStream(new BufferedInputStream(new GZIPInputStream(file)))) {
            int magic = in.readInt();
            if (magic != IDX_IMAGES_MAGIC) {
                throw new IOException(TEST_IMAGES + " has magic 0x" + Integer.toHexString(magic) + ", not 0x803");
            }
            int available = in.readInt();
            int rows = in.readInt();
            int cols = in.readInt();
            if (rows != DecodedImage.SIDE || cols != DecodedImage.SIDE || available < count) {
                throw new IOException(TEST_IMAGES + " holds " + available + " images of " + rows + "x" + cols);
            }
            List<byte[]> images = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                byte[] image = new byte[DecodedImage.PIXELS];
                in.readFully(image);
                images.add(image);
            }
            return images;
        }
    }
}
