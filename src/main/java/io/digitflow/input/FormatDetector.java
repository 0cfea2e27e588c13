package io.digitflow.input;

/** Picks a record's format from its content-type header, else from its first bytes. */
final class FormatDetector {

    private static final byte[] PNG_SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};
    /** Header values are echoed into DLQ messages; a hostile one should not make them huge. */
    private static final int MAX_ECHOED_CHARS = 80;

    private FormatDetector() {
    }

    /** A blank header counts as absent: some producers send an empty one rather than none. */
    static InputFormat detect(byte[] value, String contentTypeOrNull) throws InvalidInputException {
        if (contentTypeOrNull == null || contentTypeOrNull.isBlank()) {
            return sniff(value);
        }
        return fromContentType(contentTypeOrNull);
    }

    /** Media type only: parameters ("; charset=utf-8") are ignored, case does not matter (RFC 9110). */
    static InputFormat fromContentType(String header) throws InvalidInputException {
        int end = header.indexOf(';');
        if (end < 0) {
            end = header.length();
        }
        int start = 0;
        while (start < end && Character.isWhitespace(header.charAt(start))) {
            start++;
        }
        while (end > start && Character.isWhitespace(header.charAt(end - 1))) {
            end--;
        }
        // regionMatches instead of substring/toLowerCase: this runs once per record and should not allocate.
        if (is(header, start, end, "application/x-digit-u8") || is(header, start, end, "application/octet-stream")) {
            return InputFormat.RAW;
        }
        if (is(header, start, end, "application/json")) {
            return InputFormat.JSON;
        }
        if (is(header, start, end, "image/png")) {
            return InputFormat.PNG;
        }
        // image/jpg is not registered but is a common slip; accepting it costs nothing.
        if (is(header, start, end, "image/jpeg") || is(header, start, end, "image/jpg")) {
            return InputFormat.JPEG;
        }
        if (is(header, start, end, "image/webp")) {
            return InputFormat.WEBP;
        }
        throw new InvalidInputException(Reason.UNKNOWN_CONTENT_TYPE, "unsupported content-type '"
                + abbreviate(header) + "'; use application/x-digit-u8, application/octet-stream,"
                + " application/json, image/png, image/jpeg or image/webp");
    }

    /** Signatures first: a 784-byte PNG is a PNG. JSON before raw, as the design says; producers of raw
     *  pictures whose first pixel could be '{' or whitespace should send the content-type header. */
    static InputFormat sniff(byte[] value) throws InvalidInputException {
        if (isPng(value)) {
            return InputFormat.PNG;
        }
        if (isJpeg(value)) {
            return InputFormat.JPEG;
        }
        if (isWebp(value)) {
            return InputFormat.WEBP;
        }
        if (looksLikeJson(value)) {
            return InputFormat.JSON;
        }
        if (value.length == DecodedImage.PIXELS) {
            return InputFormat.RAW;
        }
        throw new InvalidInputException(Reason.UNRECOGNISED_FORMAT, "no content-type header, and the "
                + value.length + " bytes are neither PNG, JPEG, WebP, JSON nor " + DecodedImage.PIXELS + " raw pixels");
    }

    static boolean isPng(byte[] value) {
        if (value.length < PNG_SIGNATURE.length) {
            return false;
        }
        for (int i = 0; i < PNG_SIGNATURE.length; i++) {
            if (value[i] != PNG_SIGNATURE[i]) {
                return false;
            }
        }
        return true;
    }

    /** JPEG start-of-image marker followed by the first marker's 0xFF. */
    static boolean isJpeg(byte[] value) {
        return value.length >= 3 && value[0] == (byte) 0xFF && value[1] == (byte) 0xD8 && value[2] == (byte) 0xFF;
    }

    /** A RIFF container ("RIFF", its length, then "WEBP"). */
    static boolean isWebp(byte[] value) {
        return value.length >= 12 && value[0] == 'R' && value[1] == 'I' && value[2] == 'F' && value[3] == 'F'
                && value[8] == 'W' && value[9] == 'E' && value[10] == 'B' && value[11] == 'P';
    }

    private static boolean looksLikeJson(byte[] value) {
        int i = 0;
        // A UTF-8 byte order mark is legal before JSON text and some Windows tools write one.
        if (value.length >= 3 && value[0] == (byte) 0xEF && value[1] == (byte) 0xBB && value[2] == (byte) 0xBF) {
            i = 3;
        }
        while (i < value.length && (value[i] == ' ' || value[i] == '\t' || value[i] == '\n' || value[i] == '\r')) {
            i++;
        }
        return i < value.length && (value[i] == '{' || value[i] == '[');
    }

    private static boolean is(String header, int start, int end, String type) {
        return end - start == type.length() && header.regionMatches(true, start, type, 0, type.length());
    }

    static String abbreviate(String text) {
        return text.length() <= MAX_ECHOED_CHARS ? text : text.substring(0, MAX_ECHOED_CHARS) + "...";
    }
}
