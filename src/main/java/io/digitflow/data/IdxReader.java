package io.digitflow.data;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/** Reads and validates MNIST IDX image and label files, gzip-compressed or raw. */
public final class IdxReader {

    static final int IMAGE_MAGIC = 0x00000803;
    static final int LABEL_MAGIC = 0x00000801;
    /**
     * MNIST's largest split has 60 000 images; a quarter million leaves room for MNIST-format
     * supersets (EMNIST digits: 240 000) while a hostile header can make us allocate at most ~196 MB.
     */
    static final int MAX_COUNT = 250_000;

    private static final int IMAGE_HEADER = 16;
    private static final int LABEL_HEADER = 8;

    private IdxReader() {
    }

    public static IdxImages readImages(Path file) {
        try (InputStream in = open(file)) {
            ByteBuffer header = readHeader(file, in, IMAGE_HEADER, IMAGE_MAGIC);
            int count = checkCount(file, header.getInt(), "images");
            int rows = header.getInt();
            int cols = header.getInt();
            if (rows != MnistSplit.ROWS || cols != MnistSplit.COLS) {
                throw new DataException(file, "images are " + rows + "x" + cols + ", digitflow needs "
                        + MnistSplit.ROWS + "x" + MnistSplit.COLS);
            }
            byte[] pixels = readBody(file, in, count, MnistSplit.PIXELS, "images");
            checkEnd(file, in, count, "images");
            return new IdxImages(file, count, pixels);
        } catch (IOException e) {
            throw unreadable(file, e);
        }
    }

    public static IdxLabels readLabels(Path file) {
        try (InputStream in = open(file)) {
            ByteBuffer header = readHeader(file, in, LABEL_HEADER, LABEL_MAGIC);
            int count = checkCount(file, header.getInt(), "labels");
            byte[] labels = readBody(file, in, count, 1, "labels");
            checkEnd(file, in, count, "labels");
            for (int i = 0; i < count; i++) {
                if (labels[i] < 0 || labels[i] > 9) {
                    throw new DataException(file, "label " + Byte.toUnsignedInt(labels[i]) + " at index " + i
                            + " is outside 0-9");
                }
            }
            return new IdxLabels(file, count, labels);
        } catch (IOException e) {
            throw unreadable(file, e);
        }
    }

    /** Opens the file, undoing gzip when its first bytes say so: names lie (a .gz un-gzipped in place). */
    static InputStream open(Path file) throws IOException {
        return decompressIfGzip(new BufferedInputStream(Files.newInputStream(file), 1 << 16));
    }

    static InputStream decompressIfGzip(BufferedInputStream in) throws IOException {
        return isGzip(in) ? new GZIPInputStream(in, 1 << 16) : in;
    }

    /** Peeks at the gzip magic 0x1f8b, leaving the stream where it was. */
    static boolean isGzip(BufferedInputStream in) throws IOException {
        in.mark(2);
        int first = in.read();
        int second = in.read();
        in.reset();
        return first == 0x1f && second == 0x8b;
    }

    /**
     * Reads the header and returns it positioned after the magic number. The magic is checked before
     * the length: a small label file read as images is a wrong file, not a truncated one.
     */
    private static ByteBuffer readHeader(Path file, InputStream in, int size, int expectedMagic) throws IOException {
        byte[] header = new byte[size];
        int found = readUpTo(in, header);
        ByteBuffer buffer = ByteBuffer.wrap(header); // IDX is big-endian, as is ByteBuffer by default
        if (found >= Integer.BYTES) {
            checkMagic(file, buffer.getInt(), expectedMagic);
        }
        if (found < size) {
            throw new DataException(file, "truncated header: expected " + size + " bytes, found " + found);
        }
        return buffer;
    }

    private static void checkMagic(Path file, int found, int expected) {
        if (found != expected) {
            throw new DataException(file, String.format("wrong magic number 0x%08x%s, expected 0x%08x%s",
                    found, describe(found), expected, describe(expected)));
        }
    }

    private static String describe(int magic) {
        return switch (magic) {
            case IMAGE_MAGIC -> " (an IDX image file)";
            case LABEL_MAGIC -> " (an IDX label file)";
            default -> "";
        };
    }

    private static int checkCount(Path file, int count, String what) {
        if (count < 0 || count > MAX_COUNT) {
            throw new DataException(file, "header claims " + count + " " + what
                    + ", outside 0-" + MAX_COUNT);
        }
        return count;
    }

    private static byte[] readBody(Path file, InputStream in, int count, int itemSize, String what)
            throws IOException {
        byte[] body = new byte[count * itemSize];
        int found = readUpTo(in, body);
        if (found < body.length) {
            throw new DataException(file, "truncated: header says " + count + " " + what + " (" + body.length
                    + " bytes) but only " + found + " bytes follow (" + found / itemSize + " whole " + what + ")");
        }
        return body;
    }

    private static void checkEnd(Path file, InputStream in, int count, String what) throws IOException {
        long extra;
        try {
            extra = in.transferTo(OutputStream.nullOutputStream());
        } catch (EOFException e) {
            throw new DataException(file, "gzip stream ends without its trailer: the file is truncated", e);
        }
        if (extra > 0) {
            throw new DataException(file, extra + " bytes of trailing data after the " + count + " " + what
                    + " the header announces");
        }
    }

    /** Fills buf as far as the data goes; a gzip stream cut short throws EOFException where a raw one ends. */
    private static int readUpTo(InputStream in, byte[] buf) throws IOException {
        int off = 0;
        try {
            while (off < buf.length) {
                int n = in.read(buf, off, buf.length - off);
                if (n < 0) {
                    break;
                }
                off += n;
            }
        } catch (EOFException e) {
            // Reported by the caller as truncation, with the counts that make it actionable.
        }
        return off;
    }

    private static DataException unreadable(Path file, IOException e) {
        if (e instanceof ZipException) {
            return new DataException(file, "corrupt gzip data (" + e.getMessage() + ")", e);
        }
        return DataException.unreadable(file, e);
    }
}
