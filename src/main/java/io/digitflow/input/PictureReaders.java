package io.digitflow.input;

import com.twelvemonkeys.imageio.plugins.jpeg.JPEGImageReaderSpi;
import com.twelvemonkeys.imageio.plugins.webp.WebPImageReaderSpi;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Iterator;
import java.util.List;
import java.util.regex.Pattern;
import javax.imageio.ImageReader;
import javax.imageio.spi.IIORegistry;
import javax.imageio.spi.ImageReaderSpi;
import javax.imageio.spi.ServiceRegistry;

/**
 * The javax.imageio readers pictures are decoded with, chosen by class: the JDK's for PNG, TwelveMonkeys' for JPEG
 * (the JDK's underneath, plus CMYK and YCCK) and WebP. Not looked up in ImageIO's global registry, whose plugins are
 * whatever the thread context class loader saw when ImageIO was first touched (in a Quarkus app that may not be the
 * application's class loader, and in a test JVM it may be another app's copy): the same readers everywhere.
 */
final class PictureReaders {

    private static final String JDK_PNG = "com.sun.imageio.plugins.png.PNGImageReaderSpi";
    private static final String JDK_JPEG = "com.sun.imageio.plugins.jpeg.JPEGImageReaderSpi";
    /**
     * Warnings about metadata only: a colour profile or a metadata segment ignored, which can shift colours but leaves
     * every pixel decoded. Every other warning (a truncated or corrupt stream, alpha that cannot be decoded) means
     * pixels were made up, and the picture is refused.
     */
    private static final Pattern METADATA_ONLY = Pattern.compile(
            "(?i).*(ICC|colou?r profile|Exif|thumbnail|Bogus APP|Adobe App14|ignoring (unsupported|unexpected) chunk).*");

    private final ImageReaderSpi png;
    private final ImageReaderSpi jpeg;
    private final ImageReaderSpi webp;

    PictureReaders() {
        png = jdkProvider(JDK_PNG);
        // TwelveMonkeys' JPEG reader delegates to the JDK's, which it takes from the registry it is registered in:
        // a private registry of just the two, so that no other class loader's plugins can come between them.
        ServiceRegistry own = new ServiceRegistry(List.<Class<?>>of(ImageReaderSpi.class).iterator());
        own.registerServiceProvider(jdkProvider(JDK_JPEG), ImageReaderSpi.class);
        JPEGImageReaderSpi twelveMonkeysJpeg = new JPEGImageReaderSpi();
        own.registerServiceProvider(twelveMonkeysJpeg, ImageReaderSpi.class);
        if (own.getServiceProviderByClass(JPEGImageReaderSpi.class) == null) {
            throw new IllegalStateException("the TwelveMonkeys JPEG reader found no JDK JPEG reader to delegate to");
        }
        jpeg = twelveMonkeysJpeg;
        webp = new WebPImageReaderSpi();
    }

    /** A new reader for {@code format}: readers are not thread-safe, so each picture gets its own. */
    ImageReader newReader(InputFormat format) {
        ImageReaderSpi provider = switch (format) {
            case PNG -> png;
            case JPEG -> jpeg;
            case WEBP -> webp;
            default -> throw new IllegalArgumentException(format + " is not a picture format");
        };
        try {
            return provider.createReaderInstance();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Whether a reader's warning is about metadata only, leaving every pixel decoded. */
    static boolean isMetadataOnly(String warning) {
        return warning != null && METADATA_ONLY.matcher(warning).matches();
    }

    /**
     * The JDK's own provider. The JDK registers its PNG and JPEG providers in every registry it creates, whatever the
     * class loader; they are found by class name because their package is not exported.
     */
    private static ImageReaderSpi jdkProvider(String className) {
        Iterator<ImageReaderSpi> providers = IIORegistry.getDefaultInstance()
                .getServiceProviders(ImageReaderSpi.class, false);
        while (providers.hasNext()) {
            ImageReaderSpi provider = providers.next();
            if (provider.getClass().getName().equals(className)) {
                return provider;
            }
        }
        throw new IllegalStateException("this JVM has no " + className);
    }
}
