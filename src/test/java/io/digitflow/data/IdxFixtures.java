package io.digitflow.data;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.GZIPOutputStream;

/** Small synthetic IDX files for tests, so bad-data cases run without the real MNIST download. */
final class IdxFixtures {

    static final int TRAIN_COUNT = 3;
    static final int TEST_COUNT = 2;

    private IdxFixtures() {
    }

    /** An image file: header, then pixel {@code k} of the body is {@code k * 7 mod 256}, so slices are distinct. */
    static byte[] images(int magic, int count, int rows, int cols) {
        ByteBuffer buffer = ByteBuffer.allocate(16 + count * rows * cols);
        buffer.putInt(magic).putInt(count).putInt(rows).putInt(cols);
        for (int k = 0; buffer.hasRemaining(); k++) {
            buffer.put((byte) (k * 7));
        }
        return buffer.array();
    }

    static byte[] images(int count) {
        return images(IdxReader.IMAGE_MAGIC, count, 28, 28);
    }

    /** A label file whose label {@code i} is {@code (i + offset) mod 10}. */
    static byte[] labels(int count, int offset) {
        ByteBuffer buffer = ByteBuffer.allocate(8 + count);
        buffer.putInt(IdxReader.LABEL_MAGIC).putInt(count);
        for (int i = 0; i < count; i++) {
            buffer.put((byte) ((i + offset) % 10));
        }
        return buffer.array();
    }

    static byte[] gzip(byte[] data) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(data);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    static Path write(Path dir, String name, byte[] data) {
        try {
            return Files.write(dir.resolve(name), data);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String sha256(byte[] data) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The content of the four standard files, keyed by their .gz names: train labels start at 5, test at 7. */
    static Map<String, byte[]> mnistContent() {
        Map<String, byte[]> files = new LinkedHashMap<>();
        files.put(MnistFiles.TRAIN_IMAGES, images(TRAIN_COUNT));
        files.put(MnistFiles.TRAIN_LABELS, labels(TRAIN_COUNT, 5));
        files.put(MnistFiles.TEST_IMAGES, images(TEST_COUNT));
        files.put(MnistFiles.TEST_LABELS, labels(TEST_COUNT, 7));
        return files;
    }

    /** The same files gzipped, as a mirror serves them. */
    static Map<String, byte[]> mnistGzipped() {
        Map<String, byte[]> files = new LinkedHashMap<>();
        mnistContent().forEach((name, content) -> files.put(name, gzip(content)));
        return files;
    }

    /** Expected content SHA-256 of the synthetic files, standing in for {@link MnistFiles#CONTENT_SHA256}. */
    static Map<String, String> contentSha256() {
        Map<String, String> sums = new LinkedHashMap<>();
        mnistContent().forEach((name, content) -> sums.put(name, sha256(content)));
        return sums;
    }
}
