package io.digitflow.input;

import io.digitflow.support.Pictures;
import io.digitflow.support.TestMnist;
import com.code_intelligence.jazzer.api.FuzzedDataProvider;

import java.awt.image.BufferedImage;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static java.nio.charset.StandardCharsets.UTF_8;

/**
 * What the decoder fuzz tests share: seeds made from real MNIST digits at run time (in each format), the
 * mutations the fuzzer's bytes steer, and the decoder's contract checked on every input.
 *
 * <p>The fuzzer's input picks a digit and a list of edits to its encoding (overwrite, insert, delete,
 * truncate, a header-sized integer), so it starts from valid records and walks into the broken ones; or,
 * when it chooses, the input bytes themselves are the record.
 */
final class FuzzInputs {

    /**
     * How long each fuzz test fuzzes in the build: a smoke run. The longer run sets -Dfuzz.seconds, see
     * the README. (An annotation needs a constant; the pom's fuzz execution passes the override.)
     */
    static final String CI_DURATION = "5s";
    /** How many MNIST test digits seed each format. */
    static final int SEEDS = 32;
    /**
     * Smaller than the service's defaults so each input stays cheap to fuzz; the contract below holds
     * every allocation to a multiple of these.
     */
    static final DecodeLimits LIMITS = new DecodeLimits(64 * 1024, 512, 512, 256 * 1024, 8);
    static final ImageDecoder DECODER = new ImageDecoder(LIMITS);
    /** Decoding one record may allocate at most this: ~50 bytes per allowed pixel, plus parser buffers. */
    static final long MAX_ALLOCATED = LIMITS.maxPicturePixels() * 50 + 8L * 1024 * 1024;
    /** Much longer than any honest record takes, short enough to count as a hang. */
    static final Duration MAX_TIME = Duration.ofSeconds(5);

    private static final int[] INTERESTING = {0, 1, -1, 0x7FFFFFFF, 0x80000000, 0xFFFF, 0x10000, 28, 784, 4096, 65500};
    private static final String[] CONTENT_TYPES = {null, "", "application/x-digit-u8", "application/octet-stream",
            "application/json", "image/png", "image/jpeg", "image/jpg", "image/webp", "IMAGE/PNG; q=1", "text/plain"};

    private static List<byte[]> raw;

    private FuzzInputs() {
    }

    /** The first {@link #SEEDS} MNIST test digits, 784 bytes each. */
    static synchronized List<byte[]> raw() {
        if (raw == null) {
            // Only the first test digits, read straight from the gzip file: loading (and Jazzer
            // instrumenting) the whole data set would cost each fuzz run more than its fuzzing.
            java.nio.file.Path folder = TestMnist.folder().orElseThrow(() ->
                    new IllegalStateException("the fuzz tests seed from MNIST: set " + TestMnist.DATA_ENV));
            try {
                raw = List.copyOf(TestMnist.firstTestImages(folder, SEEDS));
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
        return raw;
    }

    /** MNIST digits as JSON, alternately flat with an id and as 28 rows. */
    static List<byte[]> json() {
        List<byte[]> out = new ArrayList<>();
        for (int d = 0; d < SEEDS; d++) {
            byte[] digit = raw().get(d);
            StringBuilder sb = new StringBuilder(d % 2 == 0 ? "{\"id\":\"mnist-" + d + "\",\"pixels\":[" : "{\"pixels\":[");
            for (int i = 0; i < digit.length; i++) {
                boolean rows = d % 2 == 1;
                if (rows && i % 28 == 0) {
                    sb.append(i == 0 ? "[" : "],[");
                } else if (i > 0) {
                    sb.append(',');
                }
                sb.append(digit[i] & 0xFF);
            }
            out.add(sb.append(d % 2 == 1 ? "]]}" : "]}").toString().getBytes(UTF_8));
        }
        return out;
    }

    /** MNIST digits drawn as people photograph them (dark ink on light paper, scaled up), as PNG. */
    static List<byte[]> png() {
        List<byte[]> out = new ArrayList<>();
        for (int d = 0; d < SEEDS; d++) {
            out.add(Pictures.png(paper(raw().get(d), 1 + d % 3)));
        }
        return out;
    }

    /** The same as {@link #png()}, as JPEG at varying quality. */
    static List<byte[]> jpeg() {
        List<byte[]> out = new ArrayList<>();
        for (int d = 0; d < SEEDS; d++) {
            out.add(Pictures.jpeg(paper(raw().get(d), 1 + d % 3), 0.5f + (d % 5) / 10f));
        }
        return out;
    }

    /** The same as {@link #jpeg()}, as CMYK JPEGs (even seeds) and YCCK JPEGs (odd seeds), as print workflows write. */
    static List<byte[]> cmykJpeg() {
        List<byte[]> out = new ArrayList<>();
        for (int d = 0; d < SEEDS; d++) {
            out.add(io.digitflow.support.Pictures.cmykJpeg(paper(raw().get(d), 1 + d % 3), d % 2 == 1,
                    0.5f + (d % 5) / 10f));
        }
        return out;
    }

    /**
     * An MNIST digit as WebP: lossless, lossy and lossless with alpha. Files made by webp/make-fixtures.sh: the
     * JDK and TwelveMonkeys write no WebP.
     */
    static List<byte[]> webp() {
        return List.of(Pictures.resource("webp/digit-lossless.webp"), Pictures.resource("webp/digit-lossy.webp"),
                Pictures.resource("webp/digit-alpha.webp"));
    }

    private static BufferedImage paper(byte[] digit, int scale) {
        BufferedImage image = new BufferedImage(28 * scale, 28 * scale, BufferedImage.TYPE_BYTE_GRAY);
        for (int y = 0; y < 28 * scale; y++) {
            for (int x = 0; x < 28 * scale; x++) {
                image.getRaster().setSample(x, y, 0, 255 - (digit[(y / scale) * 28 + x / scale] & 0xFF));
            }
        }
        return image;
    }

    /** A record steered by the fuzzer: an edited seed, or (when it says so) its own bytes. */
    static byte[] record(List<byte[]> seeds, FuzzedDataProvider data) {
        if (data.consumeBoolean()) {
            return data.consumeRemainingAsBytes();
        }
        byte[] value = seeds.get(data.consumeInt(0, seeds.size() - 1)).clone();
        int edits = data.consumeInt(0, 8);
        for (int e = 0; e < edits && value.length > 0; e++) {
            int at = data.consumeInt(0, value.length - 1);
            switch (data.consumeInt(0, 4)) {
                case 0 -> value[at] = data.consumeByte();
                case 1 -> value = splice(value, at, 0, data.consumeBytes(16));
                case 2 -> value = splice(value, at, data.consumeInt(1, 64), new byte[0]);
                case 3 -> value = java.util.Arrays.copyOf(value, at);
                default -> {
                    int v = INTERESTING[data.consumeInt(0, INTERESTING.length - 1)];
                    for (int b = 0; b < 4 && at + b < value.length; b++) {
                        value[at + b] = (byte) (v >>> (24 - 8 * b));
                    }
                }
            }
        }
        return value;
    }

    /** A content-type header the fuzzer picks: none, each supported type, variants and a wrong one. */
    static String contentType(FuzzedDataProvider data, String usual) {
        return data.consumeBoolean() ? usual : CONTENT_TYPES[data.consumeInt(0, CONTENT_TYPES.length - 1)];
    }

    private static byte[] splice(byte[] value, int at, int remove, byte[] insert) {
        int end = Math.min(value.length, at + remove);
        byte[] out = new byte[at + insert.length + value.length - end];
        System.arraycopy(value, 0, out, 0, at);
        System.arraycopy(insert, 0, out, at, insert.length);
        System.arraycopy(value, end, out, at + insert.length, value.length - end);
        return out;
    }

    /**
     * Decodes and checks the contract: a 784-pixel image or an {@link InvalidInputException} with a reason
     * and a short message, within {@link #MAX_TIME} and {@link #MAX_ALLOCATED}. Anything else (another
     * exception, a hang, an allocation blow-up) fails the fuzz test with this input.
     */
    static void decodeChecked(byte[] value, String contentType) {
        // Once unmeasured: the first run of a path loads (and Jazzer instruments) classes on this thread,
        // which would count against the record.
        checkOutcome(value, contentType);
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long allocated = Long.MAX_VALUE;
        Duration took = Duration.ZERO;
        // The fuzzer's own bookkeeping sometimes allocates on this thread mid-run; a real blow-up is the
        // same every time, so the input fails only if two measurements both exceed the bound.
        for (int attempt = 0; attempt < 2 && allocated > MAX_ALLOCATED; attempt++) {
            long allocatedBefore = threads.getCurrentThreadAllocatedBytes();
            long start = System.nanoTime();
            checkOutcome(value, contentType);
            took = Duration.ofNanos(System.nanoTime() - start);
            allocated = threads.getCurrentThreadAllocatedBytes() - allocatedBefore;
            if (took.compareTo(MAX_TIME) > 0) {
                throw new AssertionError(describe(value, contentType) + " took " + took);
            }
        }
        if (allocated > MAX_ALLOCATED) {
            throw new AssertionError(describe(value, contentType) + " allocated " + allocated + " bytes");
        }
    }

    private static void checkOutcome(byte[] value, String contentType) {
        try {
            DecodedImage image = DECODER.decode(value, contentType);
            if (image.pixels().length != DecodedImage.PIXELS || image.format() == null) {
                throw new AssertionError("decoded to " + image.pixels().length + " pixels, format " + image.format());
            }
            if (image.idOrNull() != null && image.idOrNull().length() > DecodedImage.MAX_ID_CHARS) {
                throw new AssertionError("id of " + image.idOrNull().length() + " characters accepted");
            }
        } catch (InvalidInputException e) {
            if (e.reason() == null || e.getMessage() == null || e.getMessage().isBlank()
                    || e.getMessage().length() > 1000) {
                throw new AssertionError("refusal without a usable reason: " + e.reason() + " " + e.getMessage());
            }
        }
    }

    /** Enough of a failing input to see what it is without the fuzzer's files. */
    private static String describe(byte[] value, String contentType) {
        return "a " + value.length + "-byte record (content-type " + contentType + ", starts "
                + java.util.HexFormat.of().formatHex(value, 0, Math.min(value.length, 64)) + ")";
    }
}
