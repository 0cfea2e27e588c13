package io.digitflow.input;

import io.digitflow.support.Pictures;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.awt.image.BufferedImage;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.Arrays;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Records built to cost the decoder time or memory are refused quickly, with their reason, and allocate
 * little: bounded by the limits, never by what the record declares.
 */
class HostileInputTest {

    private static final ImageDecoder DECODER = new ImageDecoder(DecodeLimits.DEFAULTS);
    private static final long MIB = 1024 * 1024;
    /** Generous for a loaded 2-core machine; decoding what these records declare would take minutes. */
    private static final Duration QUICKLY = Duration.ofSeconds(2);

    private static byte[] webpRunningPastItsEnd() {
        byte[] webp = Pictures.resource("webp/digit-lossless.webp");
        webp[0x1d] = 0; // inside the first prefix code of the VP8L bitstream
        return webp;
    }

    static Stream<Arguments> hostile() {
        return Stream.of(
                hostile("PNG declaring 100000 x 100000", () -> Pictures.pngDeclaring(100_000, 100_000), "image/png",
                        Reason.PICTURE_TOO_LARGE, MIB),
                hostile("PNG declaring 2^31-1 x 1", () -> Pictures.pngDeclaring(Integer.MAX_VALUE, 1), null,
                        Reason.PICTURE_TOO_LARGE, MIB),
                hostile("JPEG declaring 65000 x 65000", () -> Pictures.jpegDeclaring(65_000, 65_000), "image/jpeg",
                        Reason.PICTURE_TOO_LARGE, MIB),
                hostile("JPEG declaring 65000 x 1 (wider than the cap)", () -> Pictures.jpegDeclaring(65_000, 1), null,
                        Reason.PICTURE_TOO_LARGE, MIB),
                hostile("CMYK JPEG cut in half", () -> half(cmykDigit(false)), "image/jpeg",
                        Reason.UNDECODABLE_PICTURE, 4 * MIB),
                hostile("YCCK JPEG cut in half", () -> half(cmykDigit(true)), null, Reason.UNDECODABLE_PICTURE, 4 * MIB),
                hostile("YCCK JPEG declaring 65000 x 65000",
                        () -> Pictures.jpegDeclaring(cmykDigit(true), 65_000, 65_000), null,
                        Reason.PICTURE_TOO_LARGE, MIB),
                hostile("WebP declaring 16384 x 16384 (its largest)", () -> Pictures.webpDeclaring(16_384, 16_384),
                        "image/webp", Reason.PICTURE_TOO_LARGE, MIB),
                hostile("WebP canvas declaring 2^24 x 2^24", () -> Pictures.webpExtendedDeclaring(1 << 24, 1 << 24, 64, 64),
                        null, Reason.PICTURE_TOO_LARGE, MIB),
                // A small canvas whose bitstream claims a huge picture: only the canvas is decoded.
                hostile("WebP canvas of 64 x 64 holding a 16384 x 16384 bitstream",
                        () -> Pictures.webpExtendedDeclaring(64, 64, 16_384, 16_384), null, Reason.EMPTY_PICTURE, 4 * MIB),
                // WebP decodes ~4x slower per pixel than PNG, so it may have a quarter of the pixels.
                hostile("lossless WebP of 4096 x 4096 white pixels in 706 bytes",
                        () -> Pictures.resource("webp/blank-4096.webp"), null, Reason.PICTURE_TOO_LARGE, MIB),
                hostile("WebP cut in half", () -> half(Pictures.resource("webp/digit-lossy.webp")), null,
                        Reason.UNDECODABLE_PICTURE, 4 * MIB),
                // Found by WebpDecoderFuzzTest: one byte changed makes the prefix codes read past the end once per
                // pixel, and TwelveMonkeys' reader took each end of stream for zero bits (56 MB of exceptions).
                hostile("lossless WebP whose codes run past its end", HostileInputTest::webpRunningPastItsEnd, null,
                        Reason.UNDECODABLE_PICTURE, 4 * MIB),
                // Within the cap, the canvas is decoded: memory is bounded by the declared size, ~12 B/pixel.
                hostile("deflate bomb: 2048 x 2048 black pixels in a few KiB", () -> Pictures.blackPngBomb(2048, 2048),
                        null, Reason.EMPTY_PICTURE, 2048L * 2048 * 24),
                hostile("lossless WebP bomb: 2048 x 2048 white pixels in a few hundred bytes",
                        () -> Pictures.resource("webp/blank-2048.webp"), null, Reason.EMPTY_PICTURE, 2048L * 2048 * 24),
                hostile("JSON nested 200,000 deep", () -> ("{\"x\":" + "[".repeat(200_000)).getBytes(UTF_8), null,
                        Reason.BAD_JSON, MIB),
                hostile("JSON number of 400,000 digits in an unknown field",
                        () -> ("{\"x\":" + "9".repeat(400_000) + "}").getBytes(UTF_8), null, Reason.BAD_JSON, 4 * MIB),
                hostile("JSON pixel of 400,000 digits",
                        () -> ("{\"pixels\":[" + "9".repeat(400_000) + "]}").getBytes(UTF_8), null,
                        Reason.BAD_JSON, 4 * MIB), // Jackson's number-length constraint stops it first
                hostile("JSON exponent 1e999999999", () -> "{\"pixels\":[1e999999999]}".getBytes(UTF_8), null,
                        Reason.PIXEL_NOT_INTEGER, MIB),
                hostile("JSON 500,000 empty arrays in an unknown field",
                        () -> ("{\"x\":[" + "[],".repeat(166_000) + "[]]}").getBytes(UTF_8), null,
                        Reason.BAD_JSON, 4 * MIB),
                hostile("JSON id of 400,000 characters",
                        () -> ("{\"id\":\"" + "a".repeat(400_000) + "\",\"pixels\":[]}").getBytes(UTF_8), null,
                        Reason.ID_TOO_LONG, 4 * MIB),
                hostile("value one byte over the record limit",
                        () -> new byte[DecodeLimits.DEFAULTS.maxRecordBytes() + 1], "image/png",
                        Reason.RECORD_TOO_LARGE, 64 * 1024));
    }

    /** A digit-sized picture (a bar and a stroke) as a CMYK or YCCK JPEG, ~1 KiB. */
    private static byte[] cmykDigit(boolean ycck) {
        BufferedImage seven = Pictures.fill(Pictures.fill(Pictures.canvas(90, 110, 240), 20, 15, 70, 25, 20),
                60, 15, 70, 95, 20);
        BufferedImage rgb = new BufferedImage(90, 110, BufferedImage.TYPE_INT_RGB);
        rgb.getGraphics().drawImage(seven, 0, 0, null);
        return io.digitflow.support.Pictures.cmykJpeg(rgb, ycck, 0.9f);
    }

    private static byte[] half(byte[] value) {
        return Arrays.copyOf(value, value.length / 2);
    }

    private static Arguments hostile(String name, Supplier<byte[]> value, String contentType, Reason reason,
                                     long maxAllocated) {
        return Arguments.of(name, value.get(), contentType, reason, maxAllocated);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("hostile")
    void isRefusedQuicklyWithLittleMemory(String name, byte[] value, String contentType, Reason reason,
                                          long maxAllocated) {
        // Once unmeasured, so class loading and first-call costs are not counted against the record.
        catchThrowableOfType(InvalidInputException.class, () -> DECODER.decode(value, contentType));
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long allocatedBefore = threads.getCurrentThreadAllocatedBytes();
        long start = System.nanoTime();

        InvalidInputException e = catchThrowableOfType(InvalidInputException.class,
                () -> DECODER.decode(value, contentType));

        long nanos = System.nanoTime() - start;
        long allocated = threads.getCurrentThreadAllocatedBytes() - allocatedBefore;
        assertThat(e).as(name).isNotNull();
        assertThat(e.reason()).as("%s: %s", name, e.getMessage()).isEqualTo(reason);
        assertThat(e.getMessage()).hasSizeLessThan(400);
        assertThat(allocated).as("%s allocated", name).isLessThan(maxAllocated);
        assertThat(Duration.ofNanos(nanos)).as("%s took", name).isLessThan(QUICKLY);
    }
}
