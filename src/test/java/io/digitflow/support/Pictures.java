package io.digitflow.support;

import com.twelvemonkeys.imageio.color.ColorSpaces;

import java.awt.image.BufferedImage;
import java.awt.image.DataBuffer;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.awt.image.WritableRaster;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Iterator;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageTypeSpecifier;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.metadata.IIOMetadata;
import javax.imageio.metadata.IIOMetadataNode;
import javax.imageio.stream.MemoryCacheImageOutputStream;

/**
 * The one picture maker of the tests: MNIST digits drawn as a user would photograph, draw, print or scan
 * them, grey canvases, PNG/JPEG/CMYK encodings, and hand-made headers that declare what they are not
 * (bombs). Photo-like benchmark pictures come from {@link PhotoDigits}, which encodes through here.
 */
public final class Pictures {

    private static final String JPEG_METADATA = "javax_imageio_jpeg_image_1.0";

    private Pictures() {
    }

    /**
     * The digit drawn dark ink on a light background at {@code scale} times its size, off-centre on a
     * larger canvas, as a PNG or JPEG ("png" / "jpg").
     */
    public static byte[] darkOnLight(byte[] pixels, int scale, String format) {
        return encode(darkOnLight(pixels, scale), format);
    }

    /** The canvas {@link #darkOnLight(byte[], int, String)} encodes: opaque RGB, paper 0xF4, ink down to 0x14. */
    public static BufferedImage darkOnLight(byte[] pixels, int scale) {
        int side = 28 * scale;
        BufferedImage img = new BufferedImage(side + 40, side + 20, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < img.getHeight(); y++) {
            for (int x = 0; x < img.getWidth(); x++) {
                img.setRGB(x, y, 0xF4F4F4);
            }
        }
        for (int y = 0; y < side; y++) {
            for (int x = 0; x < side; x++) {
                int ink = pixels[(y / scale) * 28 + x / scale] & 0xFF;
                int grey = 0xF4 - ink * 0xE0 / 255;
                img.setRGB(x + 30, y + 5, grey << 16 | grey << 8 | grey);
            }
        }
        return img;
    }

    /** {@code image} encoded by the JDK's javax.imageio writer for {@code format} ("png", "jpg"). */
    public static byte[] encode(BufferedImage image, String format) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            if (!ImageIO.write(image, format, out)) {
                throw new IllegalStateException("no " + format + " writer for image type " + image.getType());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** {@code image}'s grey levels as a 16-bit greyscale picture (each level times 257), as scanners save them. */
    public static BufferedImage sixteenBitGrey(BufferedImage image) {
        BufferedImage out = new BufferedImage(image.getWidth(), image.getHeight(), BufferedImage.TYPE_USHORT_GRAY);
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = 0; x < image.getWidth(); x++) {
                out.getRaster().setSample(x, y, 0, grey(image.getRGB(x, y)) * 257);
            }
        }
        return out;
    }

    /** {@code image}'s grey levels through a 256-entry grey palette, as PNG optimisers save them. */
    public static BufferedImage paletted(BufferedImage image) {
        byte[] levels = new byte[256];
        for (int i = 0; i < 256; i++) {
            levels[i] = (byte) i;
        }
        IndexColorModel palette = new IndexColorModel(8, 256, levels, levels, levels);
        BufferedImage out = new BufferedImage(image.getWidth(), image.getHeight(), BufferedImage.TYPE_BYTE_INDEXED,
                palette);
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = 0; x < image.getWidth(); x++) {
                out.getRaster().setSample(x, y, 0, grey(image.getRGB(x, y)));
            }
        }
        return out;
    }

    /**
     * The ink of a dark-on-light {@code image} as black strokes on a transparent canvas, the darkness of each pixel
     * as its opacity: what drawing apps export.
     */
    public static BufferedImage inkOnTransparent(BufferedImage image) {
        BufferedImage out = new BufferedImage(image.getWidth(), image.getHeight(), BufferedImage.TYPE_INT_ARGB);
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = 0; x < image.getWidth(); x++) {
                out.setRGB(x, y, (255 - grey(image.getRGB(x, y))) << 24);
            }
        }
        return out;
    }

    /**
     * {@code image} as a CMYK JPEG the way print workflows write one (Adobe APP14 marker, samples stored inverted, no
     * colour profile), its colour channels stored as YCC when {@code ycck}. Written by the JDK's own JPEG writer from
     * a raster, which stores the four channels as given.
     */
    public static byte[] cmykJpeg(BufferedImage image, boolean ycck, float quality) {
        WritableRaster raster = Raster.createInterleavedRaster(DataBuffer.TYPE_BYTE, image.getWidth(), image.getHeight(),
                4, null);
        int[] sample = new int[4];
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = 0; x < image.getWidth(); x++) {
                int rgb = image.getRGB(x, y);
                int r = (rgb >> 16) & 0xFF;
                int g = (rgb >> 8) & 0xFF;
                int b = rgb & 0xFF;
                int k = 255 - Math.max(r, Math.max(g, b));
                double scale = k == 255 ? 0 : 255.0 / (255 - k);
                int c = (int) Math.round((255 - r - k) * scale);
                int m = (int) Math.round((255 - g - k) * scale);
                int ye = (int) Math.round((255 - b - k) * scale);
                if (ycck) {
                    // Adobe's YCCK: c, m, y through JFIF's RGB -> YCbCr, and k stored inverted.
                    sample[0] = clamp(0.299 * c + 0.587 * m + 0.114 * ye);
                    sample[1] = clamp(-0.168736 * c - 0.331264 * m + 0.5 * ye + 128);
                    sample[2] = clamp(0.5 * c - 0.418688 * m - 0.081312 * ye + 128);
                } else {
                    sample[0] = 255 - c;
                    sample[1] = 255 - m;
                    sample[2] = 255 - ye;
                }
                sample[3] = 255 - k;
                raster.setPixel(x, y, sample);
            }
        }
        ImageWriter writer = jdkJpegWriter();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (MemoryCacheImageOutputStream stream = new MemoryCacheImageOutputStream(out)) {
            ImageWriteParam param = writer.getDefaultWriteParam();
            param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
            param.setCompressionQuality(quality);
            ImageTypeSpecifier cmyk = ImageTypeSpecifier.createInterleaved(
                    ColorSpaces.getColorSpace(ColorSpaces.CS_GENERIC_CMYK), new int[] {0, 1, 2, 3},
                    DataBuffer.TYPE_BYTE, false, false);
            IIOMetadata metadata = writer.getDefaultImageMetadata(cmyk, param);
            IIOMetadataNode adobe = new IIOMetadataNode("app14Adobe");
            adobe.setAttribute("transform", ycck ? "2" : "0");
            IIOMetadataNode markers = new IIOMetadataNode("markerSequence");
            markers.appendChild(adobe);
            IIOMetadataNode root = new IIOMetadataNode(JPEG_METADATA);
            root.appendChild(new IIOMetadataNode("JPEGvariety"));
            root.appendChild(markers);
            metadata.mergeTree(JPEG_METADATA, root);
            writer.setOutput(stream);
            writer.write(null, new IIOImage(raster, null, metadata), param);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            writer.dispose();
        }
        return out.toByteArray();
    }

    /** The JDK's JPEG writer, whichever plugins the class path adds. */
    private static ImageWriter jdkJpegWriter() {
        for (Iterator<ImageWriter> writers = ImageIO.getImageWritersByFormatName("jpeg"); writers.hasNext(); ) {
            ImageWriter writer = writers.next();
            if (writer.getClass().getName().startsWith("com.sun.imageio.")) {
                return writer;
            }
        }
        throw new IllegalStateException("this JVM has no JDK JPEG writer");
    }

    private static int grey(int rgb) {
        return (int) Math.round(0.299 * ((rgb >> 16) & 0xFF) + 0.587 * ((rgb >> 8) & 0xFF) + 0.114 * (rgb & 0xFF));
    }

    private static int clamp(double value) {
        return (int) Math.max(0, Math.min(255, Math.round(value)));
    }

    /** A grey canvas filled with {@code background}. */
    public static BufferedImage canvas(int width, int height, int background) {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_BYTE_GRAY);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                image.getRaster().setSample(x, y, 0, background);
            }
        }
        return image;
    }

    /** Fills the rectangle [x0, x1) x [y0, y1) of a grey canvas with {@code level}. */
    public static BufferedImage fill(BufferedImage image, int x0, int y0, int x1, int y1, int level) {
        for (int y = y0; y < y1; y++) {
            for (int x = x0; x < x1; x++) {
                image.getRaster().setSample(x, y, 0, level);
            }
        }
        return image;
    }

    /** {@code image} as a PNG. */
    public static byte[] png(BufferedImage image) {
        return encode(image, "png");
    }

    /** {@code image} as a JPEG of the given quality (0 to 1), by the first JPEG writer ImageIO offers. */
    public static byte[] jpeg(BufferedImage image, float quality) {
        ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (MemoryCacheImageOutputStream stream = new MemoryCacheImageOutputStream(out)) {
            ImageWriteParam param = writer.getDefaultWriteParam();
            param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
            param.setCompressionQuality(quality);
            writer.setOutput(stream);
            writer.write(null, new IIOImage(image, null, null), param);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            writer.dispose();
        }
        return out.toByteArray();
    }

    /**
     * A well-formed 8-bit grey PNG that declares {@code width x height} but carries one compressed scanline:
     * cheap to build, and a reader that trusted the header would try to allocate the whole canvas.
     */
    public static byte[] pngDeclaring(int width, int height) {
        return greyPng(width, height, new byte[1 + 16]); // filter byte + a few pixels, far short of a row
    }

    /**
     * A complete 8-bit grey PNG of {@code width x height} zero pixels: a few KiB that inflate to the whole
     * canvas (a deflate bomb, when the declared size is within the limits).
     */
    public static byte[] blackPngBomb(int width, int height) {
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
    public static byte[] jpegDeclaring(int width, int height) {
        return jpegDeclaring(jpeg(canvas(16, 16, 200), 0.9f), width, height);
    }

    /** {@code jpeg} (baseline, any colour space) with its start-of-frame header rewritten to declare {@code width x height}. */
    public static byte[] jpegDeclaring(byte[] original, int width, int height) {
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

    /** A test resource of the input tests, such as "webp/digit.png". */
    public static byte[] resource(String name) {
        try (java.io.InputStream in = Pictures.class.getResourceAsStream("/io/digitflow/input/" + name)) {
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
    public static byte[] webpDeclaring(int width, int height) {
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
    public static byte[] webpExtendedDeclaring(int canvasWidth, int canvasHeight, int width, int height) {
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
