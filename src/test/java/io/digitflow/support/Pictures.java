package io.digitflow.support;

import com.twelvemonkeys.imageio.color.ColorSpaces;
import java.awt.image.BufferedImage;
import java.awt.image.DataBuffer;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.awt.image.WritableRaster;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Iterator;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageTypeSpecifier;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.metadata.IIOMetadata;
import javax.imageio.metadata.IIOMetadataNode;
import javax.imageio.stream.MemoryCacheImageOutputStream;

/** Test pictures made from MNIST digits, the way a user would photograph, draw, print or scan them. */
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
}
