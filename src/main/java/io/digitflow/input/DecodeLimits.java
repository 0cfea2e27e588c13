package io.digitflow.input;

/**
 * Bounds on the work and memory one record may cost the decoder.
 *
 * @param maxRecordBytes   largest record read at all (key, value and headers together): a PNG/JPEG digit needs
 *                         a few KiB and JSON about 4 KiB, so more is abuse or a mistake, refused before any
 *                         parsing. It also bounds every output: a prediction repeats the headers, and a
 *                         dead letter the whole record
 * @param maxPictureWidth  widest picture decoded: a small compressed file can declare a huge canvas
 *                         (decompression bomb), so the declared size is checked before pixels are decoded
 * @param maxPictureHeight tallest picture decoded, for the same reason as the width
 * @param maxPicturePixels most pixels decoded (width x height): bounds memory, about 12 bytes per pixel
 *                         while a picture is prepared. A WebP may have a quarter of it: its decoder is
 *                         about four times slower per pixel
 * @param maxJsonDepth     deepest JSON nesting accepted: a valid record needs 3 levels, and deeper
 *                         nesting only costs stack and time
 */
public record DecodeLimits(
        int maxRecordBytes, int maxPictureWidth, int maxPictureHeight, long maxPicturePixels, int maxJsonDepth) {

    /**
     * 512 KiB records, so that every output (at most this plus a few KiB) fits Kafka's default 1 MiB
     * request and message sizes with room to spare; pictures up to 4096 x 4096 and 16 M pixels; JSON nested at most 8 deep.
     */
    public static final DecodeLimits DEFAULTS = new DecodeLimits(512 * 1024, 4096, 4096, 16L << 20, 8);

    public DecodeLimits {
        requirePositive("maxRecordBytes", maxRecordBytes);
        requirePositive("maxPictureWidth", maxPictureWidth);
        requirePositive("maxPictureHeight", maxPictureHeight);
        requirePositive("maxPicturePixels", maxPicturePixels);
        if (maxJsonDepth < 3) {
            // {"pixels": [[...]]} is 3 levels deep; less would refuse valid records.
            throw new IllegalArgumentException("maxJsonDepth must be at least 3, got " + maxJsonDepth);
        }
    }

    private static void requirePositive(String name, long value) {
        if (value <= 0) {
            throw new IllegalArgumentException(name + " must be positive, got " + value);
        }
    }

    /** The limits the settings {@code digitflow.input.*} give. */
    public static DecodeLimits of(io.digitflow.config.DigitflowConfig.Input input) {
        return new DecodeLimits(input.maxRecordBytes(), input.maxPictureSide(), input.maxPictureSide(),
                input.maxPicturePixels(), input.maxJsonDepth());
    }
}
