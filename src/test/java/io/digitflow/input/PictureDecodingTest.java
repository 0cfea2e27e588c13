package io.digitflow.input;

import io.digitflow.support.Pictures;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.awt.image.BufferedImage;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PictureDecodingTest {

    private final ImageDecoder decoder = new ImageDecoder(DecodeLimits.DEFAULTS);

    /** A dark "7"-ish shape on light paper: a top bar and a stroke down from its right end. */
    private static BufferedImage seven(int width, int height) {
        BufferedImage image = Pictures.canvas(width, height, 255);
        Pictures.fill(image, width / 4, height / 5, 3 * width / 4, height / 5 + height / 12, 0);
        return Pictures.fill(image, 3 * width / 4 - width / 12, height / 5, 3 * width / 4, 4 * height / 5, 0);
    }

    private byte[] decode(byte[] value, String contentType) throws InvalidInputException {
        return decoder.decode(value, contentType).pixels();
    }

    private InvalidInputException failure(ImageDecoder with, byte[] value, String contentType) {
        return catchThrowableOfType(InvalidInputException.class, () -> with.decode(value, contentType));
    }

    @Test
    void pngAndJpegOfTheSameDrawingAgree() throws Exception {
        BufferedImage drawing = seven(120, 150);
        DecodedImage png = decoder.decode(Pictures.png(drawing), "image/png");
        DecodedImage jpeg = decoder.decode(Pictures.jpeg(drawing, 0.85f), "image/jpeg; q=1");
        assertThat(png.format()).isEqualTo(InputFormat.PNG);
        assertThat(jpeg.format()).isEqualTo(InputFormat.JPEG);
        assertThat(png.pixels()).hasSize(784);
        assertThat(DigitMetrics.correlation(png.pixels(), jpeg.pixels())).isGreaterThan(0.95);
        assertThat(DigitMetrics.centreOfMass(jpeg.pixels())[0]).isBetween(13.0, 15.0);
    }

    @Test
    void colourPictureIsReadAsLuminance() throws Exception {
        BufferedImage grey = seven(90, 90);
        BufferedImage colour = new BufferedImage(90, 90, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 90; y++) {
            for (int x = 0; x < 90; x++) {
                boolean ink = grey.getRaster().getSample(x, y, 0) == 0;
                colour.setRGB(x, y, ink ? 0x1020C0 : 0xFFF0A0); // blue ink on yellow paper
            }
        }
        assertThat(decode(Pictures.png(colour), null)).isEqualTo(decode(Pictures.png(grey), null));
    }

    @Test
    void transparentCanvasReadsAsWhitePaper() throws Exception {
        BufferedImage grey = seven(60, 60);
        BufferedImage strokes = new BufferedImage(60, 60, BufferedImage.TYPE_INT_ARGB); // all transparent black
        for (int y = 0; y < 60; y++) {
            for (int x = 0; x < 60; x++) {
                if (grey.getRaster().getSample(x, y, 0) == 0) {
                    strokes.setRGB(x, y, 0xFF000000);
                }
            }
        }
        assertThat(decode(Pictures.png(strokes), null)).isEqualTo(decode(Pictures.png(grey), null));
    }

    @Test
    void greyRastersAreReadWithoutGammaAndSixteenBitIsScaled() {
        BufferedImage grey8 = new BufferedImage(2, 1, BufferedImage.TYPE_BYTE_GRAY);
        grey8.getRaster().setSample(0, 0, 0, 128);
        assertThat(Luminance.of(grey8).luminance()).containsExactly(128f, 0f); // getRGB would say 188
        BufferedImage grey16 = new BufferedImage(1, 1, BufferedImage.TYPE_USHORT_GRAY);
        grey16.getRaster().setSample(0, 0, 0, 65535);
        assertThat(Luminance.of(grey16).luminance()).containsExactly(255f);
    }

    @Test
    void palettedAndSixteenBitPngsArePreparedLikeTheirEightBitTwin() throws Exception {
        BufferedImage grey = Pictures.fill(Pictures.canvas(60, 60, 255), 25, 10, 35, 50, 0);
        byte[] expected = decoder.decode(Pictures.png(grey), "image/png").pixels();
        BufferedImage paletted = new BufferedImage(60, 60, BufferedImage.TYPE_BYTE_BINARY);
        BufferedImage sixteen = new BufferedImage(60, 60, BufferedImage.TYPE_USHORT_GRAY);
        for (int y = 0; y < 60; y++) {
            for (int x = 0; x < 60; x++) {
                boolean ink = x >= 25 && x < 35 && y >= 10 && y < 50;
                paletted.setRGB(x, y, ink ? 0xFF000000 : 0xFFFFFFFF);
                sixteen.getRaster().setSample(x, y, 0, ink ? 0 : 65535);
            }
        }
        assertThat(decoder.decode(Pictures.png(paletted), "image/png").pixels()).isEqualTo(expected);
        assertThat(decoder.decode(Pictures.png(sixteen), "image/png").pixels()).isEqualTo(expected);
    }

    @Test
    void hugeDeclaredCanvasIsRefusedFromItsHeaderAlone() {
        byte[] bomb = Pictures.pngDeclaring(100_000, 100_000);
        assertThat(bomb.length).isLessThan(100);
        // Decoding 10^10 pixels would take minutes or run out of memory; the header check takes milliseconds.
        InvalidInputException e = assertTimeoutPreemptively(Duration.ofSeconds(2), () -> failure(decoder, bomb, null));
        assertThat(e.reason()).isEqualTo(Reason.PICTURE_TOO_LARGE);
        assertThat(e.getMessage()).startsWith("PNG declares 100000x100000 pixels; the limit is 4096x4096");
    }

    @Test
    void eachPictureLimitIsEnforcedAndInclusive() throws Exception {
        ImageDecoder strict = new ImageDecoder(new DecodeLimits(1 << 20, 100, 80, 6000, 8));
        assertThat(failure(strict, Pictures.png(seven(101, 50)), null).reason()).isEqualTo(Reason.PICTURE_TOO_LARGE);
        assertThat(failure(strict, Pictures.png(seven(50, 81)), null).reason()).isEqualTo(Reason.PICTURE_TOO_LARGE);
        assertThat(failure(strict, Pictures.jpeg(seven(80, 76), 0.9f), null).reason())
                .isEqualTo(Reason.PICTURE_TOO_LARGE); // 6080 pixels
        assertThat(strict.decode(Pictures.png(seven(100, 60)), null).pixels()).hasSize(784); // exactly 6000
    }

    @Test
    void truncatedPicturesAreUndecodable() {
        byte[] png = Pictures.png(seven(100, 100));
        InvalidInputException brokenPng = failure(decoder, Arrays.copyOf(png, png.length / 2), null);
        assertThat(brokenPng.reason()).isEqualTo(Reason.UNDECODABLE_PICTURE);
        assertThat(brokenPng.getMessage()).startsWith("undecodable PNG: ").hasSizeGreaterThan(20);

        byte[] jpeg = Pictures.jpeg(seven(100, 100), 0.9f);
        InvalidInputException brokenJpeg = failure(decoder, Arrays.copyOf(jpeg, jpeg.length / 2), null);
        assertThat(brokenJpeg.reason()).isEqualTo(Reason.UNDECODABLE_PICTURE);
        assertThat(brokenJpeg.getMessage()).startsWith("undecodable JPEG: ");
    }

    @Test
    void garbageAfterTheSignatureIsUndecodable() {
        byte[] value = Arrays.copyOf(Pictures.png(seven(20, 20)), 40);
        Arrays.fill(value, 8, 40, (byte) 0x55);
        InvalidInputException e = failure(decoder, value, null);
        assertThat(e.reason()).isEqualTo(Reason.UNDECODABLE_PICTURE);
    }

    @Test
    void mislabelledPictureIsNamedAsSuch() {
        InvalidInputException e = failure(decoder, Pictures.jpeg(seven(40, 40), 0.9f), "image/png");
        assertThat(e.reason()).isEqualTo(Reason.UNDECODABLE_PICTURE);
        assertThat(e.getMessage()).isEqualTo("undecodable PNG: the bytes do not start with the PNG signature");
    }

    @Test
    void blankPictureIsEmpty() {
        InvalidInputException e = failure(decoder, Pictures.png(Pictures.canvas(64, 64, 255)), "image/png");
        assertThat(e.reason()).isEqualTo(Reason.EMPTY_PICTURE);
    }

    /** Acceptance of #16: a grey page with sensor noise and nothing written on it is dead-lettered, not guessed at. */
    @Test
    void noisyGreyPageWithoutInkIsAnEmptyPictureInEveryFormat() {
        java.util.Random random = new java.util.Random(16);
        BufferedImage page = Pictures.canvas(200, 150, 0);
        for (int y = 0; y < page.getHeight(); y++) {
            for (int x = 0; x < page.getWidth(); x++) {
                page.getRaster().setSample(x, y, 0, (int) Math.max(0, Math.min(255, 128 + 8 * random.nextGaussian())));
            }
        }
        BufferedImage rgb = new BufferedImage(page.getWidth(), page.getHeight(), BufferedImage.TYPE_INT_RGB);
        rgb.getGraphics().drawImage(page, 0, 0, null);
        for (byte[] value : List.of(Pictures.png(page), Pictures.jpeg(page, 0.9f),
                io.digitflow.support.Pictures.cmykJpeg(rgb, false, 0.9f))) {
            InvalidInputException e = failure(decoder, value, null);
            assertThat(e.reason()).isEqualTo(Reason.EMPTY_PICTURE);
            assertThat(e.reason().code()).isEqualTo("empty-picture");
        }
    }

    @Test
    void decodingWritesNoCacheFilesEvenWhereImageIoWouldCache(@TempDir Path cache) throws Exception {
        boolean useCache = ImageIO.getUseCache();
        File cacheDirectory = ImageIO.getCacheDirectory();
        ImageIO.setUseCache(true);
        ImageIO.setCacheDirectory(cache.toFile());
        try {
            decoder.decode(Pictures.png(seven(30, 30)), null);
            decoder.decode(Pictures.jpeg(seven(30, 30), 0.9f), null);
            try (var files = Files.list(cache)) {
                assertThat(files).as("records are read in place, never through a file cache").isEmpty();
            }
        } finally {
            ImageIO.setUseCache(useCache);
            ImageIO.setCacheDirectory(cacheDirectory);
        }
    }

    @Test
    void oneDecoderServesManyThreadsAlike() throws Exception {
        List<byte[]> inputs = List.of(Pictures.png(seven(80, 100)), Pictures.jpeg(seven(100, 70), 0.9f),
                Pictures.png(seven(40, 40)));
        List<byte[]> expected = new ArrayList<>();
        for (byte[] input : inputs) {
            expected.add(decode(input, null));
        }
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<byte[]>> results = new ArrayList<>();
            for (int i = 0; i < 60; i++) {
                byte[] input = inputs.get(i % inputs.size());
                results.add(pool.submit(() -> decode(input, null)));
            }
            for (int i = 0; i < results.size(); i++) {
                assertThat(results.get(i).get()).isEqualTo(expected.get(i % inputs.size()));
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
