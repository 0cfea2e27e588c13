package io.digitflow.input;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.MemoryCacheImageOutputStream;

/** Builds test pictures: grey canvases, their PNG and JPEG encodings, and hand-made PNG headers. */
final class Pictures {

    private Pictures() {
    }

    /** A grey canvas filled with {@code background}. */
    static BufferedImage canvas(int width, int height, int background) {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_BYTE_GRAY);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                image.getRaster().setSample(x, y, 0, background);
            }
        }
        return image;
    }

    /** Fills the rectangle [x0, x1) x [y0, y1) of a grey canvas with {@code level}. */
    static BufferedImage fill(BufferedImage image, int x0, int y0, int x1, int y1, int level) {
        for (int y = y0; y < y1; y++) {
            for (int x = x0; x < x1; x++) {
                image.getRaster().setSample(x, y, 0, level);
            }
        }
        return image;
    }

    static byte[] png(BufferedImage image) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            if (!ImageIO.write(image, "png", out)) {
                throw new IllegalStateException("no PNG writer");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    static byte[] jpeg(BufferedImage image, float quality) {
        return io.digitflow.support.PhotoDigits.jpeg(image, quality);
    }

    /**
     * A well-formed 8-bit grey PNG that declares {@code width x height} but carries one compressed scanline:
     * cheap to build, and a reader that trusted the header would try to allocate the whole canvas.
     */
    static byte[] pngDeclaring(int width, int height) {
        return greyPng(width, height, new byte[1 + 16]); // filter byte + a few pixels, far short of a row
    }

    /**
     * A complete 8-bit grey PNG of {@code width x height} zero pixels: a few KiB that inflate to the whole
     * canvas (a deflate bomb, when the declared size is within the limits).
     */
    static byte[] blackPngBomb(int width, int height) {
        return greyPng(width, height, new byte[(width + 1) * height]);
    }

    /** An 8-bit greyscale PNG declaring {@code width x height} with {@code scanlines} (filter bytes included) as its data. */
    private static byte[] greyPng(int width, int height, byte[] scanlines) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.write(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'});
            ByteArrayOutputStream header = new ByteArrayOutputStream();
            DataOutputStream ihdr = new DataOutputStream(header);
            ihdr.writeInt(width);
            ihdr.writeInt(height);
            ihdr.write(new byte[] {8, 0, 0, 0, 0}); // 8-bit, greyscale, deflate, adaptive filter, no interlace
            chunk(out, "IHDR", header.toByteArray());
            chunk(out, "IDAT", deflate(scanlines));
            chunk(out, "IEND", new byte[0]);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /** A real small JPEG whose start-of-frame header is rewritten to declare {@code width x height}. */
    static byte[] jpegDeclaring(int width, int height) {
        byte[] jpeg = jpeg(canvas(16, 16, 200), 0.9f);
        for (int i = 2; i + 8 < jpeg.length; i++) {
            // SOF0 (baseline) marker: length(2), precision(1), height(2), width(2).
            if (jpeg[i] == (byte) 0xFF && jpeg[i + 1] == (byte) 0xC0) {
                jpeg[i + 5] = (byte) (height >> 8);
                jpeg[i + 6] = (byte) height;
                jpeg[i + 7] = (byte) (width >> 8);
                jpeg[i + 8] = (byte) width;
                return jpeg;
            }
        }
        throw new IllegalStateException("the JPEG writer wrote no SOF0 marker");
    }

    private static void chunk(DataOutputStream out, String type, byte[] data) throws IOException {
        byte[] name = type.getBytes(StandardCharsets.US_ASCII);
        CRC32 crc = new CRC32();
        crc.update(name);
        crc.update(data);
        out.writeInt(data.length);
        out.write(name);
        out.write(data);
        out.writeInt((int) crc.getValue());
    }

    private static byte[] deflate(byte[] data) {
        Deflater deflater = new Deflater(Deflater.BEST_COMPRESSION);
        deflater.setInput(data);
        deflater.finish();
        byte[] buffer = new byte[64 + data.length];
        int length = deflater.deflate(buffer);
        deflater.end();
        return Arrays.copyOf(buffer, length);
    }
}
