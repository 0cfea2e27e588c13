package io.digitflow.support;

import io.digitflow.data.MnistData;
import io.digitflow.data.MnistRepository;
import io.digitflow.data.MnistSplit;
import org.junit.jupiter.api.Assumptions;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.zip.GZIPInputStream;

/**
 * The one MNIST loader of the tests. The whole set, loaded once per JVM: from the folder in
 * DIGITFLOW_DATA (CI sets it), else downloaded into the user's digitflow cache with checksum checks, as
 * the app would. The first few test digits straight from that folder, for tests (fuzzing) where
 * loading the whole set would cost more than the test. The folder itself, or a skip saying why.
 */
public final class TestMnist {

    public static final String DATA_ENV = "DIGITFLOW_DATA";
    private static final String TEST_IMAGES = "t10k-images-idx3-ubyte.gz";
    private static final int IDX_IMAGES_MAGIC = 0x00000803;
    private static final String UNSET = DATA_ENV + " is unset: skipping the tests on the real MNIST files "
            + "(set it to the folder holding the four .gz files)";

    private static MnistData data;

    private TestMnist() {
    }

    /** The whole set (train and test), loaded once. */
    public static synchronized MnistData get() {
        if (data == null) {
            Path cache = Path.of(System.getProperty("user.home"), ".digitflow", "mnist");
            data = new MnistRepository(folder(), URI.create("https://storage.googleapis.com/cvdf-datasets/mnist/"),
                    cache, HttpClient.newHttpClient()).load();
        }
        return data;
    }

    /** The folder with the MNIST files, empty when DIGITFLOW_DATA is unset or blank. */
    public static Optional<Path> folder() {
        return Optional.ofNullable(System.getenv(DATA_ENV)).filter(s -> !s.isBlank()).map(Path::of);
    }

    /** The folder, or the calling test skipped with the reason (also on stderr: Maven's summary hides it). */
    public static Path folderOrSkip() {
        Optional<Path> folder = folder();
        if (folder.isEmpty()) {
            System.err.println(UNSET);
        }
        Assumptions.assumeTrue(folder.isPresent(), UNSET);
        return folder.get();
    }

    /** The first {@code count} test images of the folder, 784 bytes each, read without the rest. */
    public static List<byte[]> firstTestImages(Path folder, int count) throws IOException {
        try (InputStream file = Files.newInputStream(folder.resolve(TEST_IMAGES));
             DataInputStream in = new DataInputStream(new BufferedInputStream(new GZIPInputStream(file)))) {
            int magic = in.readInt();
            if (magic != IDX_IMAGES_MAGIC) {
                throw new IOException(TEST_IMAGES + " has magic 0x" + Integer.toHexString(magic) + ", not 0x803");
            }
            int available = in.readInt();
            int rows = in.readInt();
            int cols = in.readInt();
            if (rows != MnistSplit.ROWS || cols != MnistSplit.COLS || available < count) {
                throw new IOException(TEST_IMAGES + " holds " + available + " images of " + rows + "x" + cols);
            }
            List<byte[]> images = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                byte[] image = new byte[MnistSplit.PIXELS];
                in.readFully(image);
                images.add(image);
            }
            return images;
        }
    }
}
