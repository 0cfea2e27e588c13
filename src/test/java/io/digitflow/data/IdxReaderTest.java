package io.digitflow.data;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Arrays;

import static io.digitflow.data.IdxFixtures.gzip;
import static io.digitflow.data.IdxFixtures.images;
import static io.digitflow.data.IdxFixtures.labels;
import static io.digitflow.data.IdxFixtures.write;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class IdxReaderTest {

    @TempDir
    Path dir;

    @Test
    void readsRawImagesExactlyAsStored() {
        byte[] file = images(3);
        IdxImages images = IdxReader.readImages(write(dir, "images", file));

        assertThat(images.count()).isEqualTo(3);
        assertThat(images.pixels()).isEqualTo(Arrays.copyOfRange(file, 16, file.length));
    }

    @Test
    void detectsGzipByContentNotByName() {
        // Gzip data under a raw name and raw data under a .gz name: both must read the same.
        Path gzipNamedRaw = write(dir, "a-idx3-ubyte", gzip(images(2)));
        Path rawNamedGzip = write(dir, "b-idx3-ubyte.gz", images(2));

        assertThat(IdxReader.readImages(gzipNamedRaw).pixels())
                .isEqualTo(IdxReader.readImages(rawNamedGzip).pixels());
        assertThat(IdxReader.readLabels(write(dir, "c", gzip(labels(4, 5)))).labels())
                .containsExactly(5, 6, 7, 8);
    }

    @Test
    void readsLabels() {
        IdxLabels labels = IdxReader.readLabels(write(dir, "labels", labels(12, 0)));

        assertThat(labels.count()).isEqualTo(12);
        assertThat(labels.labels()).containsExactly(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1);
    }

    @Test
    void refusesALabelFileReadAsImagesNamingBothMagicNumbers() {
        Path file = write(dir, "images.gz", gzip(labels(3, 0)));

        assertThatThrownBy(() -> IdxReader.readImages(file)).isInstanceOf(DataException.class)
                .hasMessage(file + ": wrong magic number 0x00000801 (an IDX label file), "
                        + "expected 0x00000803 (an IDX image file)");
    }

    @Test
    void refusesAnUnknownMagicNumber() {
        Path file = write(dir, "labels", withInt(labels(3, 0), 0, 0x12345678));

        assertThatThrownBy(() -> IdxReader.readLabels(file))
                .hasMessage(file + ": wrong magic number 0x12345678, expected 0x00000801 (an IDX label file)");
    }

    @Test
    void refusesTruncatedImagesSayingHowManyBytesWereExpectedAndFound() {
        byte[] full = images(3);
        byte[] cut = Arrays.copyOf(full, full.length - 400);
        Path raw = write(dir, "raw", cut);
        Path gz = write(dir, "gz", gzip(cut));

        String problem = ": truncated: header says 3 images (2352 bytes) but only 1952 bytes follow (2 whole images)";
        assertThatThrownBy(() -> IdxReader.readImages(raw)).hasMessage(raw + problem);
        assertThatThrownBy(() -> IdxReader.readImages(gz)).hasMessage(gz + problem);
    }

    @Test
    void refusesAGzipFileCutShort() {
        byte[] gz = gzip(images(3));
        Path file = write(dir, "cut.gz", Arrays.copyOf(gz, gz.length / 2));

        assertThatThrownBy(() -> IdxReader.readImages(file))
                .hasMessageStartingWith(file + ": truncated: header says 3 images (2352 bytes) but only ");
    }

    @Test
    void refusesAGzipFileWithADamagedChecksum() {
        byte[] gz = gzip(images(1));
        gz[gz.length - 8] ^= 1; // first byte of the gzip trailer's CRC-32
        Path file = write(dir, "crc.gz", gz);

        assertThatThrownBy(() -> IdxReader.readImages(file)).hasMessageStartingWith(file + ": corrupt gzip data (");
    }

    @Test
    void refusesATruncatedHeader() {
        Path file = write(dir, "short", Arrays.copyOf(images(1), 10));

        assertThatThrownBy(() -> IdxReader.readImages(file))
                .hasMessage(file + ": truncated header: expected 16 bytes, found 10");
    }

    @Test
    void refusesTruncatedLabels() {
        byte[] full = labels(10, 0);
        Path file = write(dir, "labels", Arrays.copyOf(full, full.length - 3));

        assertThatThrownBy(() -> IdxReader.readLabels(file))
                .hasMessage(file + ": truncated: header says 10 labels (10 bytes) but only 7 bytes follow "
                        + "(7 whole labels)");
    }

    @Test
    void refusesImagesThatAreNot28By28() {
        Path file = write(dir, "big", images(IdxReader.IMAGE_MAGIC, 1, 32, 32));

        assertThatThrownBy(() -> IdxReader.readImages(file))
                .hasMessage(file + ": images are 32x32, digitflow needs 28x28");
    }

    @Test
    void refusesALabelOutsideZeroToNine() {
        byte[] ten = labels(3, 0);
        ten[8 + 1] = 10;
        byte[] twoFiftyFive = labels(3, 0);
        twoFiftyFive[8 + 2] = (byte) 255;
        Path tenFile = write(dir, "ten", ten);
        Path bigFile = write(dir, "big", twoFiftyFive);

        assertThatThrownBy(() -> IdxReader.readLabels(tenFile))
                .hasMessage(tenFile + ": label 10 at index 1 is outside 0-9");
        assertThatThrownBy(() -> IdxReader.readLabels(bigFile))
                .hasMessage(bigFile + ": label 255 at index 2 is outside 0-9");
    }

    @Test
    void refusesTrailingData() {
        byte[] full = labels(3, 0);
        Path file = write(dir, "long", gzip(Arrays.copyOf(full, full.length + 5)));

        assertThatThrownBy(() -> IdxReader.readLabels(file))
                .hasMessage(file + ": 5 bytes of trailing data after the 3 labels the header announces");
    }

    @Test
    void refusesNegativeAndAbsurdCountsBeforeAllocating() {
        Path negative = write(dir, "negative", withInt(images(1), 4, -1));
        // 2e9 images would be 1.5 TB; the cap must stop it at the header, not at an OutOfMemoryError.
        Path huge = write(dir, "huge", withInt(images(1), 4, 2_000_000_000));
        Path hugeLabels = write(dir, "huge-labels", withInt(labels(1, 0), 4, IdxReader.MAX_COUNT + 1));

        assertThatThrownBy(() -> IdxReader.readImages(negative))
                .hasMessage(negative + ": header claims -1 images, outside 0-250000");
        assertThatThrownBy(() -> IdxReader.readImages(huge))
                .hasMessage(huge + ": header claims 2000000000 images, outside 0-250000");
        assertThatThrownBy(() -> IdxReader.readLabels(hugeLabels))
                .hasMessage(hugeLabels + ": header claims 250001 labels, outside 0-250000");
    }

    @Test
    void reportsAMissingFileAsNotFound() {
        Path missing = dir.resolve("nothing-here");

        assertThatThrownBy(() -> IdxReader.readLabels(missing)).hasMessage(missing + ": not found");
    }

    private static byte[] withInt(byte[] file, int offset, int value) {
        ByteBuffer.wrap(file).putInt(offset, value);
        return file;
    }
}
