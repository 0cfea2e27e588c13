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
            case PNG, JPEG -> new DecodedImage(preprocessor.prepare(pictures.decode(value, format)), null, format);
        };
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
