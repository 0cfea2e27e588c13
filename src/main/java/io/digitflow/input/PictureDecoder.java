package io.digitflow.input;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

/**
 * Decodes a PNG, JPEG (CMYK and YCCK too) or WebP with javax.imageio into grey luminance, refusing a canvas larger
 * than the limits from its header, before any pixel is decoded. A JPEG is turned upright as its EXIF orientation says.
 */
final class PictureDecoder {

    /** A corrupt stream can warn once per block; a few say what is wrong. */
    private static final int MAX_WARNINGS = 4;
    /**
     * WebP may have this fraction of the picture pixel limit. TwelveMonkeys' pure-Java WebP decoder takes about four
     * times as long per pixel as the JDK's PNG reader (a 4096x4096 lossless WebP 1.7 s, the PNG 0.4 s, measured
     * 2026-12-03): a quarter of the pixels keeps the costliest WebP record as cheap as the costliest PNG or JPEG.
     */
    private static final int WEBP_COST = 4;

    private final DecodeLimits limits;
    private final PictureReaders readers = new PictureReaders();

    PictureDecoder(DecodeLimits limits) {
        this.limits = limits;
    }

    GreyImage decode(byte[] bytes, InputFormat format) throws InvalidInputException {
        requireSignature(bytes, format);
        // A fresh reader per picture: ImageReader is not thread-safe, and the decoder is shared by consumers.
        ImageReader reader = readers.newReader(format);
        // The record is in memory already: read it in place (no cache, no temp files), and stop a reader that
        // keeps reading past its end.
        try (ImageInputStream in = new RecordImageStream(bytes)) {
            reader.setInput(in, true, true); // metadata is ignored: it is not needed and can be large
            requireWithinLimits(reader.getWidth(0), reader.getHeight(0), format);
            List<String> warnings = new ArrayList<>(1);
            reader.addIIOReadWarningListener((source, warning) -> {
                if (!PictureReaders.isMetadataOnly(warning) && warnings.size() < MAX_WARNINGS) {
                    warnings.add(warning);
                }
            });
            BufferedImage image = reader.read(0);
            if (!warnings.isEmpty()) {
                // The JPEG reader only warns about a truncated or corrupt stream and fills the rest with grey;
                // a digit half made up is worse than a dead letter. A CMYK JPEG without a colour profile is
                // warned about too, but its pixels are all there.
                throw undecodable(format, String.join("; ", warnings), null);
            }
            GreyImage grey = Luminance.of(image);
            // Phones store the sensor's view and say in EXIF how the phone was held.
            return format == InputFormat.JPEG ? ExifOrientation.apply(grey, ExifOrientation.of(bytes)) : grey;
        } catch (IOException | RuntimeException e) {
            // Image plugins throw runtime exceptions on some corrupt input, not only IIOException.
            throw undecodable(format, messages(e), e);
        } finally {
            reader.dispose();
        }
    }

    private void requireWithinLimits(int width, int height, InputFormat format) throws InvalidInputException {
        long maxPixels = format == InputFormat.WEBP ? limits.maxPicturePixels() / WEBP_COST : limits.maxPicturePixels();
        if (width > limits.maxPictureWidth() || height > limits.maxPictureHeight() || (long) width * height > maxPixels) {
            throw new InvalidInputException(Reason.PICTURE_TOO_LARGE, format + " declares " + width + "x" + height
                    + " pixels; the limit is " + limits.maxPictureWidth() + "x" + limits.maxPictureHeight()
                    + " and " + maxPixels + " pixels in all" + (format == InputFormat.WEBP ? " for WebP" : ""));
        }
    }

    /** A mislabelled record is named as such rather than reported as whatever the wrong reader says. */
    private static void requireSignature(byte[] bytes, InputFormat format) throws InvalidInputException {
        boolean matches = switch (format) {
            case PNG -> FormatDetector.isPng(bytes);
            case JPEG -> FormatDetector.isJpeg(bytes);
            case WEBP -> FormatDetector.isWebp(bytes);
            default -> false;
        };
        if (!matches) {
            throw undecodable(format, "the bytes do not start with the " + format + " signature", null);
        }
    }

    private static InvalidInputException undecodable(InputFormat format, String why, Throwable cause) {
        return new InvalidInputException(Reason.UNDECODABLE_PICTURE, "undecodable " + format + ": " + why, cause);
    }

    /** "Error reading PNG image data: Unexpected end of ZLIB input stream": the cause says what went wrong. */
    private static String messages(Throwable e) {
        StringBuilder text = new StringBuilder();
        for (Throwable t = e; t != null && text.length() < 300; t = t.getCause()) {
            String message = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
            if (text.indexOf(message) < 0) {
                text.append(text.length() == 0 ? "" : ": ").append(message);
            }
        }
        return text.toString();
    }
}
