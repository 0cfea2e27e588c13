package io.digitflow.data;

import io.digitflow.support.TestMnist;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;

import static io.digitflow.data.IdxFixtures.gzip;
import static io.digitflow.data.IdxFixtures.sha256;
import static io.digitflow.data.IdxFixtures.write;
import static io.digitflow.data.MnistFiles.TEST_IMAGES;
import static io.digitflow.data.MnistFiles.TEST_LABELS;
import static io.digitflow.data.MnistFiles.TRAIN_IMAGES;
import static io.digitflow.data.MnistFiles.TRAIN_LABELS;
import static io.digitflow.data.MnistFiles.unzippedName;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Loading from a folder the user names; downloads are covered by {@link MnistDownloadTest}. */
class MnistRepositoryTest {

    /** Nothing listens there: a test that reaches for the network fails loudly. */
    private static final URI NO_MIRROR = URI.create("http://127.0.0.1:9/");

    @TempDir
    Path dir;
    @TempDir
    Path cache;

    @Test
    void loadsAFolderOfGzippedFilesAndReportsTheirChecksums() {
        Map<String, byte[]> files = IdxFixtures.mnistGzipped();
        files.forEach((name, bytes) -> write(dir, name, bytes));

        MnistData data = fromFolder(dir).load();

        assertThat(data.train().count()).isEqualTo(IdxFixtures.TRAIN_COUNT);
        assertThat(data.test().count()).isEqualTo(IdxFixtures.TEST_COUNT);
        assertThat(data.train().label(0)).isEqualTo(5);
        assertThat(data.test().label(0)).isEqualTo(7);
        assertThat(data.sha256()).containsExactly(
                Map.entry(TRAIN_IMAGES, sha256(files.get(TRAIN_IMAGES))),
                Map.entry(TRAIN_LABELS, sha256(files.get(TRAIN_LABELS))),
                Map.entry(TEST_IMAGES, sha256(files.get(TEST_IMAGES))),
                Map.entry(TEST_LABELS, sha256(files.get(TEST_LABELS))));
        assertThat(data.source()).isEqualTo(dir.toString());
        assertThat(cache).isEmptyDirectory();
    }

    @Test
    void acceptsUnzippedFilesAndReportsButDoesNotEnforceTheirChecksums() {
        Map<String, byte[]> content = IdxFixtures.mnistContent();
        content.put(TRAIN_LABELS, IdxFixtures.labels(IdxFixtures.TRAIN_COUNT, 6)); // not the expected content
        content.forEach((name, bytes) -> write(dir, unzippedName(name), bytes));

        MnistData data = fromFolder(dir).load();

        assertThat(data.train().label(0)).isEqualTo(6);
        assertThat(data.sha256()).containsEntry("train-labels-idx1-ubyte", sha256(content.get(TRAIN_LABELS)))
                .containsOnlyKeys(MnistFiles.ALL.stream().map(MnistFiles::unzippedName).toList());
    }

    @Test
    void refusesAGzFileUnderAStandardNameWhoseContentDiffers() {
        IdxFixtures.mnistGzipped().forEach((name, bytes) -> write(dir, name, bytes));
        byte[] other = IdxFixtures.images(IdxFixtures.TRAIN_COUNT);
        other[100] ^= 1;
        Path file = write(dir, TRAIN_IMAGES, gzip(other));

        assertThatThrownBy(() -> fromFolder(dir).load()).isInstanceOf(DataException.class)
                .hasMessage(file + ": content SHA-256 is " + sha256(other) + ", expected "
                        + IdxFixtures.contentSha256().get(TRAIN_IMAGES)
                        + "; this is not the MNIST file of that name (another dataset or a damaged copy)");
    }

    @Test
    void refusesAMissingFolder() {
        Path missing = dir.resolve("no-such-folder");

        assertThatThrownBy(() -> fromFolder(missing).load()).hasMessage(missing + ": data folder does not exist");
    }

    @Test
    void refusesAFileGivenAsTheFolder() throws IOException {
        Path file = Files.writeString(dir.resolve("mnist.txt"), "not a folder");

        assertThatThrownBy(() -> fromFolder(file).loadTest()).hasMessageStartingWith(file + ": is not a folder");
    }

    @Test
    void namesAMissingFileAndItsUnzippedAlternative() {
        IdxFixtures.mnistGzipped().forEach((name, bytes) -> write(dir, name, bytes));
        Path missing = dir.resolve(TEST_LABELS);
        assertThat(missing.toFile().delete()).isTrue();

        assertThatThrownBy(() -> fromFolder(dir).load())
                .hasMessage(missing + ": not found (nor t10k-labels-idx1-ubyte, its un-gzipped form)");
    }

    @Test
    void loadTestNeedsOnlyTheTestFiles() {
        Map<String, byte[]> files = IdxFixtures.mnistGzipped();
        write(dir, TEST_IMAGES, files.get(TEST_IMAGES));
        write(dir, TEST_LABELS, files.get(TEST_LABELS));

        LoadedSplit test = fromFolder(dir).loadTest();

        assertThat(test.split().count()).isEqualTo(IdxFixtures.TEST_COUNT);
        assertThat(test.split().label(1)).isEqualTo(8);
        assertThat(test.sha256()).containsOnlyKeys(TEST_IMAGES, TEST_LABELS);
        assertThat(test.source()).isEqualTo(dir.toString());
        assertThatThrownBy(() -> fromFolder(dir).load())
                .hasMessageStartingWith(dir.resolve(TRAIN_IMAGES) + ": not found");
    }

    @Test
    void refusesImagesAndLabelsOfDifferentSplitsNamingBothFiles() {
        Map<String, byte[]> content = IdxFixtures.mnistContent();
        content.put(TEST_LABELS, IdxFixtures.labels(IdxFixtures.TEST_COUNT + 1, 7));
        content.forEach((name, bytes) -> write(dir, unzippedName(name), bytes));

        assertThatThrownBy(() -> fromFolder(dir).loadTest()).hasMessage(dir.resolve("t10k-images-idx3-ubyte")
                + ": holds 2 images but " + dir.resolve("t10k-labels-idx1-ubyte") + " holds 3 labels; "
                + "they must come from the same split");
    }

    @Test
    void readsTheRealMnistFiles() throws IOException {
        Path folder = TestMnist.folderOrSkip();

        // The public constructor: the real checksum table is enforced on the .gz files.
        MnistData data = new MnistRepository(Optional.of(folder), cache).load();

        assertThat(data.train().count()).isEqualTo(60_000);
        assertThat(data.test().count()).isEqualTo(10_000);
        assertThat(data.train().label(0)).isEqualTo(5);
        assertThat(data.test().label(0)).isEqualTo(7);
        assertThat(labelCounts(data.train()))
                .containsExactly(5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949);
        assertThat(labelCounts(data.test())).containsExactly(980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009);
        // The first training digit: 166 inked pixels, a full-ink run across row 7.
        byte[] five = data.train().image(0);
        assertThat(countNonZero(five)).isEqualTo(166);
        assertThat(Arrays.copyOfRange(five, 7 * 28 + 10, 7 * 28 + 16)).containsOnly((byte) 0xfd);
        assertThat(data.sha256()).containsOnlyKeys(MnistFiles.ALL);
        for (String name : MnistFiles.ALL) {
            assertThat(data.sha256().get(name)).isEqualTo(sha256(Files.readAllBytes(folder.resolve(name))));
        }
        assertThat(data.source()).isEqualTo(folder.toString());
    }

    private MnistRepository fromFolder(Path folder) {
        return new MnistRepository(Optional.of(folder), NO_MIRROR, cache, HttpClient.newHttpClient(),
                IdxFixtures.contentSha256(), Duration.ofSeconds(1));
    }

    private static int[] labelCounts(MnistSplit split) {
        int[] counts = new int[10];
        for (int i = 0; i < split.count(); i++) {
            counts[split.label(i)]++;
        }
        return counts;
    }

    private static long countNonZero(byte[] image) {
        int n = 0;
        for (byte b : image) {
            n += b != 0 ? 1 : 0;
        }
        return n;
    }
}
