package io.digitflow.input;

/**
 * Turns one Kafka record value, with its optional content-type header, into a 28x28 digit in MNIST's layout.
 * Thread-safe and stateless after construction: build one and share it among consumers.
 */
public final class ImageDecoder {

    private final DecodeLimits limits;
    private final JsonPixelParser json;
    private final PictureDecoder pictures;
    private final MnistPreprocessor preprocessor = new MnistPreprocessor();

    public ImageDecoder(DecodeLimits limits) {
        this.limits = limits;
        this.json = new JsonPixelParser(limits.maxJsonDepth());
        this.pictures = new PictureDecoder(limits);
    }

    public DecodeLimits limits() {
        return limits;
    }

    /**
     * Decodes one record value. The format is taken from {@code contentTypeOrNull} when given (parameters and
     * case ignored), else sniffed from the bytes.
     *
     * <p>Raw values ({@link InputFormat#RAW}) are returned without copying: the result's pixels ARE
     * {@code value}, so neither the caller nor anyone downstream may mutate either.
     *
     * @throws InvalidInputException naming the {@link Reason} and the problem; never for a valid value
     */
    public DecodedImage decode(byte[] value, String contentTypeOrNull) throws InvalidInputException {
        if (value == null || value.length == 0) {
            throw new InvalidInputException(Reason.EMPTY_RECORD,
                    value == null ? "record value is null (a tombstone)" : "record value is empty");
        }
        // Before anything else, so an oversized record costs no parsing at all.
        if (value.length > limits.maxRecordBytes()) {
            throw new InvalidInputException(Reason.RECORD_TOO_LARGE, "record value is " + value.length
                    + " bytes, more than the limit of " + limits.maxRecordBytes());
        }
        InputFormat format = FormatDetector.detect(value, contentTypeOrNull);
        return switch (format) {
            case RAW -> raw(value);
            case JSON -> json.parse(value);
            case PNG, JPEG, WEBP -> new DecodedImage(preprocessor.prepare(pictures.decode(value, format)), null, format);
        };
    }

    /**
     * The picture a record carries as it was given, before preparation: upright, letterboxed into 28x28 by area
     * averaging and inverted (0 = white paper), for showing next to the digit the model saw. Only pictures
     * have one; the limits apply as in {@link #decode}.
     */
    public byte[] preview(byte[] value, String contentTypeOrNull) throws InvalidInputException {
        if (value == null || value.length == 0 || value.length > limits.maxRecordBytes()) {
            throw new InvalidInputException(Reason.EMPTY_RECORD, "no picture to preview");
        }
        InputFormat format = FormatDetector.detect(value, contentTypeOrNull);
        if (format != InputFormat.PNG && format != InputFormat.JPEG && format != InputFormat.WEBP) {
            throw new InvalidInputException(Reason.UNRECOGNISED_FORMAT, format + " is not a picture");
        }
        GreyImage picture = pictures.decode(value, format);
        int side = DecodedImage.SIDE;
        double scale = (double) side / Math.max(picture.width(), picture.height());
        int w = Math.max(1, Math.min(side, (int) Math.round(picture.width() * scale)));
        int h = Math.max(1, Math.min(side, (int) Math.round(picture.height() * scale)));
        float[] small = Resampler.resize(picture.luminance(), picture.width(), picture.height(), w, h);
        byte[] out = new byte[DecodedImage.PIXELS];
        int left = (side - w) / 2;
        int top = (side - h) / 2;
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                out[(top + y) * side + left + x] = (byte) Math.max(0, Math.min(255, Math.round(255 - small[y * w + x])));
            }
        }
        return out;
    }

    /** The hot path: a length check and the result record, nothing else allocated. */
    private static DecodedImage raw(byte[] value) throws InvalidInputException {
        if (value.length != DecodedImage.PIXELS) {
            throw new InvalidInputException(Reason.WRONG_LENGTH,
                    "raw image must be exactly " + DecodedImage.PIXELS + " bytes, got " + value.length);
        }
        return new DecodedImage(value, null, InputFormat.RAW);
    }
}
