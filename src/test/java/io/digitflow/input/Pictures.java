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
        return jpegDeclaring(jpeg(canvas(16, 16, 200), 0.9f), width, height);
    }

    /** {@code jpeg} (baseline, any colour space) with its start-of-frame header rewritten to declare {@code width x height}. */
    static byte[] jpegDeclaring(byte[] original, int width, int height) {
        byte[] jpeg = original.clone();
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

    /** A test resource of this package, such as "webp/digit.png". */
    static byte[] resource(String name) {
        try (java.io.InputStream in = Pictures.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("no test resource " + name);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The lossless WebP of a digit ({@code webp/digit-lossless.webp}) with its VP8L header rewritten to declare
     * {@code width x height} (1 to 16384 each), the rest of its bitstream unchanged.
     */
    static byte[] webpDeclaring(int width, int height) {
        byte[] webp = resource("webp/digit-lossless.webp");
        if (webp[12] != 'V' || webp[15] != 'L' || webp[20] != 0x2F) {
            throw new IllegalStateException("webp/digit-lossless.webp is not a simple VP8L file");
        }
        int header = (webp[21] & 0xFF) | (webp[22] & 0xFF) << 8 | (webp[23] & 0xFF) << 16 | (webp[24] & 0xFF) << 24;
        header = (header & 0xF0000000) | (width - 1) | (height - 1) << 14; // keeps the alpha and version bits
        for (int b = 0; b < 4; b++) {
            webp[21 + b] = (byte) (header >>> (8 * b));
        }
        return webp;
    }

    /**
     * An extended WebP: a VP8X header declaring a {@code canvasWidth x canvasHeight} canvas (up to 2^24 each),
     * holding the lossless bitstream of {@link #webpDeclaring(int, int)}.
     */
    static byte[] webpExtendedDeclaring(int canvasWidth, int canvasHeight, int width, int height) {
        byte[] simple = webpDeclaring(width, height);
        byte[] vp8l = Arrays.copyOfRange(simple, 12, simple.length); // the VP8L chunk, header and all
        java.nio.ByteBuffer out = java.nio.ByteBuffer.allocate(12 + 18 + vp8l.length)
                .order(java.nio.ByteOrder.LITTLE_ENDIAN);
        out.put("RIFF".getBytes(StandardCharsets.US_ASCII)).putInt(4 + 18 + vp8l.length)
                .put("WEBP".getBytes(StandardCharsets.US_ASCII));
        out.put("VP8X".getBytes(StandardCharsets.US_ASCII)).putInt(10).putInt(0); // no flags: no alpha, no animation
        putInt24(out, canvasWidth - 1);
        putInt24(out, canvasHeight - 1);
        return out.put(vp8l).array();
    }

    private static void putInt24(java.nio.ByteBuffer out, int value) {
        out.put((byte) value).put((byte) (value >> 8)).put((byte) (value >> 16));
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
