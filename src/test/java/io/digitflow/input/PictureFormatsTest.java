package io.digitflow.input;

import io.digitflow.support.TestMnist;
import static org.assertj.core.api.Assertions.assertThat;

import io.digitflow.inference.Classifier;
import io.digitflow.inference.Engines;
import io.digitflow.model.ModelArtifact;
import io.digitflow.support.Pictures;
import io.digitflow.support.TestModels;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import javax.imageio.spi.IIORegistry;
import javax.imageio.spi.ImageReaderSpi;
import org.junit.jupiter.api.Test;

/**
 * The picture encodings people send besides 8-bit RGB: CMYK and YCCK JPEGs (print workflows, some scanners), 16-bit
 * and paletted PNGs, transparency, and WebP, each read like the plain picture of the same digit.
 */
class PictureFormatsTest {

    private final ImageDecoder decoder = new ImageDecoder(DecodeLimits.DEFAULTS);

    private byte[] decode(byte[] value) throws InvalidInputException {
        return decoder.decode(value, null).pixels();
    }

    /** A picture of webp/, made by its make-fixtures.sh. */
    private static byte[] fixture(String name) {
        return Pictures.resource("webp/" + name);
    }

    private static List<byte[]> mnistDigits(int count) throws IOException {
        return TestMnist.firstTestImages(TestMnist.folderOrSkip(), count);
    }

    @Test
    void cmykAndYcckJpegsOfMnistDigitsAreReadAndClassifiedLikeTheirRgbTwin() throws Exception {
        List<byte[]> digits = mnistDigits(20);
        byte[][] raw = digits.toArray(new byte[0][]);
        byte[][] rgb = new byte[raw.length][];
        byte[][] cmyk = new byte[raw.length][];
        byte[][] ycck = new byte[raw.length][];
        for (int i = 0; i < raw.length; i++) {
            BufferedImage drawn = Pictures.darkOnLight(raw[i], 2 + i % 3);
            rgb[i] = decode(io.digitflow.support.Pictures.jpeg(drawn, 0.9f));
            byte[] cmykJpeg = Pictures.cmykJpeg(drawn, false, 0.9f);
            byte[] ycckJpeg = Pictures.cmykJpeg(drawn, true, 0.9f);
            assertThat(FormatDetector.sniff(cmykJpeg)).isEqualTo(InputFormat.JPEG);
            cmyk[i] = decode(cmykJpeg);
            ycck[i] = decode(ycckJpeg);
            assertThat(DigitMetrics.correlation(cmyk[i], rgb[i])).as("CMYK digit %d", i).isGreaterThan(0.97);
            assertThat(DigitMetrics.correlation(ycck[i], rgb[i])).as("YCCK digit %d", i).isGreaterThan(0.97);
        }
        ModelArtifact model = ModelArtifact.load(TestModels.ensure());
        try (Classifier classifier = Engines.create(model.network(), model.version(), raw.length,
                Engines.Choice.nd4j())) {
            int[] rawRead = PictureBenchmarkTest.classify(classifier, raw);
            int[] rgbRead = PictureBenchmarkTest.classify(classifier, rgb);
            assertThat(agreeing(PictureBenchmarkTest.classify(classifier, cmyk), rgbRead)).as("CMYK read as RGB").isGreaterThanOrEqualTo(19);
            assertThat(agreeing(PictureBenchmarkTest.classify(classifier, ycck), rgbRead)).as("YCCK read as RGB").isGreaterThanOrEqualTo(19);
            assertThat(agreeing(PictureBenchmarkTest.classify(classifier, cmyk), rawRead)).as("CMYK read as raw").isGreaterThanOrEqualTo(18);
        }
    }

    @Test
    void sixteenBitPalettedAndTransparentPngsOfMnistDigitsAreReadLikeTheOpaqueOne() throws Exception {
        for (byte[] digit : mnistDigits(10)) {
            BufferedImage drawn = Pictures.darkOnLight(digit, 3);
            byte[] expected = decode(Pictures.encode(drawn, "png"));
            assertThat(decode(Pictures.encode(Pictures.sixteenBitGrey(drawn), "png"))).isEqualTo(expected);
            assertThat(decode(Pictures.encode(Pictures.paletted(drawn), "png"))).isEqualTo(expected);
            // Composited over white: paper 255 and ink 0 rather than 244 and 20, the same digit once stretched.
            byte[] transparent = decode(Pictures.encode(Pictures.inkOnTransparent(drawn), "png"));
            assertThat(DigitMetrics.correlation(transparent, expected)).isGreaterThan(0.98);
        }
    }

    @Test
    void losslessWebpIsReadExactlyAsThePngItWasMadeFrom() throws Exception {
        byte[] webp = fixture("digit-lossless.webp");
        assertThat(FormatDetector.sniff(webp)).isEqualTo(InputFormat.WEBP);
        DecodedImage image = decoder.decode(webp, "image/webp");
        assertThat(image.format()).isEqualTo(InputFormat.WEBP);
        assertThat(image.pixels()).isEqualTo(decode(fixture("digit.png")));
    }

    @Test
    void lossyWebpIsReadNearlyAsThePngItWasMadeFrom() throws Exception {
        byte[] png = decode(fixture("digit.png"));
        assertThat(DigitMetrics.correlation(decode(fixture("digit-lossy.webp")), png)).isGreaterThan(0.97);
    }

    @Test
    void webpWithAlphaIsCompositedOnWhitePaper() throws Exception {
        byte[] alpha = decode(fixture("digit-alpha.webp"));
        assertThat(alpha).isEqualTo(decode(fixture("digit-alpha.png")));
        assertThat(DigitMetrics.correlation(alpha, decode(fixture("digit.png")))).isGreaterThan(0.98);
    }

    @Test
    void webpFixtureIsTheMnistDigitItClaimsToBe() throws Exception {
        byte[] firstTestDigit = mnistDigits(1).get(0);
        assertThat(decode(fixture("digit.png")))
                .isEqualTo(decode(Pictures.darkOnLight(firstTestDigit, 4, "png")));
    }

    @Test
    void previewShowsWebpsToo() throws Exception {
        assertThat(decoder.preview(fixture("digit-lossless.webp"), null))
                .isEqualTo(decoder.preview(fixture("digit.png"), null));
    }

    /**
     * What ImageIO's global registry holds depends on the class loader that first touched ImageIO; the decoder picks
     * its readers itself, so CMYK JPEGs and WebPs are read even when the registry has no TwelveMonkeys plugin and the
     * thread's context class loader sees nothing.
     */
    @Test
    void readersDoNotDependOnImageIosRegistryOrTheContextClassLoader() throws Exception {
        BufferedImage seven = Pictures.darkOnLight(sevenStroke(), 3);
        byte[] cmykSeven = Pictures.cmykJpeg(seven, false, 0.9f);
        byte[] expected = decode(cmykSeven);
        IIORegistry registry = IIORegistry.getDefaultInstance();
        List<ImageReaderSpi> removed = new ArrayList<>();
        for (Iterator<ImageReaderSpi> it = registry.getServiceProviders(ImageReaderSpi.class, false); it.hasNext(); ) {
            ImageReaderSpi provider = it.next();
            if (provider.getClass().getName().startsWith("com.twelvemonkeys.")) {
                removed.add(provider);
            }
        }
        removed.forEach(provider -> registry.deregisterServiceProvider(provider, ImageReaderSpi.class));
        AtomicReference<Object> outcome = new AtomicReference<>();
        Thread bare = new Thread(() -> {
            try {
                ImageDecoder fresh = new ImageDecoder(DecodeLimits.DEFAULTS);
                outcome.set(List.of(fresh.decode(cmykSeven, null).pixels(),
                        fresh.decode(fixture("digit-lossless.webp"), null).pixels()));
            } catch (Throwable e) {
                outcome.set(e);
            }
        });
        try (URLClassLoader nothing = new URLClassLoader(new URL[0], null)) {
            bare.setContextClassLoader(nothing);
            bare.start();
            bare.join();
        } finally {
            removed.forEach(provider -> registry.registerServiceProvider(provider, ImageReaderSpi.class));
        }
        assertThat(outcome.get()).as("decoding with a bare registry and context class loader").isInstanceOf(List.class);
        List<?> decoded = (List<?>) outcome.get();
        assertThat((byte[]) decoded.get(0)).isEqualTo(expected);
        assertThat((byte[]) decoded.get(1)).isEqualTo(decode(fixture("digit.png")));
    }

    @Test
    void eachPictureFormatHasItsOwnReader() {
        PictureReaders readers = new PictureReaders();
        assertThat(readers.newReader(InputFormat.JPEG).getClass().getName())
                .isEqualTo("com.twelvemonkeys.imageio.plugins.jpeg.JPEGImageReader");
        assertThat(readers.newReader(InputFormat.WEBP).getClass().getName())
                .isEqualTo("com.twelvemonkeys.imageio.plugins.webp.WebPImageReader");
        assertThat(readers.newReader(InputFormat.PNG).getClass().getName())
                .isEqualTo("com.sun.imageio.plugins.png.PNGImageReader");
    }

    @Test
    void warningsAboutMetadataAreToleratedAndAnyOtherRefusesThePicture() {
        assertThat(PictureReaders.isMetadataOnly("No embedded ICC color profile, will convert using inaccurate "
                + "CMYK to RGB conversion. Colors may look incorrect.")).isTrue();
        assertThat(PictureReaders.isMetadataOnly("Bogus APP1/Exif segment, ignoring")).isTrue();
        assertThat(PictureReaders.isMetadataOnly("Truncated File - Missing EOI marker")).isFalse();
        assertThat(PictureReaders.isMetadataOnly("Corrupt JPEG data: premature end of data segment")).isFalse();
        assertThat(PictureReaders.isMetadataOnly("Unknown WebP alpha compression: 3")).isFalse();
    }

    /** A "7" in MNIST's layout: a bar and a stroke down from its right end. */
    private static byte[] sevenStroke() {
        byte[] digit = new byte[784];
        for (int x = 7; x < 21; x++) {
            digit[6 * 28 + x] = (byte) 255;
            digit[7 * 28 + x] = (byte) 255;
        }
        for (int y = 6; y < 23; y++) {
            digit[y * 28 + 19] = (byte) 255;
            digit[y * 28 + 20] = (byte) 255;
        }
        return digit;
    }

    private static int agreeing(int[] a, int[] b) {
        int same = 0;
        for (int i = 0; i < a.length; i++) {
            same += a[i] == b[i] ? 1 : 0;
        }
        return same;
    }
}
