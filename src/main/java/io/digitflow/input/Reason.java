package io.digitflow.input;

/** Why a record value could not become a digit image; {@link #code()} is the stable value for a DLQ header. */
public enum Reason {
    /** The record value is null (a tombstone) or has no bytes. */
    EMPTY_RECORD("empty-record"),
    /**
     * The record is larger on the wire than {@link DecodeLimits#maxRecordBytes()}, or one of its outputs
     * would be larger than the output producer's {@code max.request.size}.
     */
    RECORD_TOO_LARGE("record-too-large"),
    /** More headers than {@code digitflow.input.max-headers}: each costs framing and work even when empty. */
    TOO_MANY_HEADERS("too-many-headers"),
    /**
     * The broker refused this record's output for a reason tied to it (too large for the topic, an
     * invalid record, a per-record policy); the dead letter carries the broker's message.
     */
    REFUSED_BY_BROKER("refused-by-broker"),
    /** The content-type header names a type this service does not read. */
    UNKNOWN_CONTENT_TYPE("unknown-content-type"),
    /** No content-type header, and the bytes look like none of the supported formats. */
    UNRECOGNISED_FORMAT("unrecognised-format"),
    /** Raw bytes not exactly 784, or JSON pixels not 784 (or not 28 rows of 28). */
    WRONG_LENGTH("wrong-length"),
    /** Malformed JSON, nested too deep, or not shaped like {"pixels": [...]}. */
    BAD_JSON("bad-json"),
    /** A JSON pixel that is not an integer: a decimal, NaN, Infinity, a string, null. */
    PIXEL_NOT_INTEGER("pixel-not-integer"),
    /** A JSON pixel outside 0-255. */
    PIXEL_OUT_OF_RANGE("pixel-out-of-range"),
    /** A PNG, JPEG or WebP the image decoder cannot read: truncated, corrupt, or mislabelled. */
    UNDECODABLE_PICTURE("undecodable-picture"),
    /** A picture whose declared size exceeds the limits (a decompression-bomb guard). */
    PICTURE_TOO_LARGE("picture-too-large"),
    /** A picture with no ink: uniform, or too little contrast to tell ink from background. */
    EMPTY_PICTURE("empty-picture"),
    /** The record's id (its JSON "id", else its key) is longer than {@link DecodedImage#MAX_ID_CHARS}. */
    ID_TOO_LONG("id-too-long"),
    /** A record of the labelled topic whose label (header or JSON field) is missing or not a digit 0-9. */
    BAD_LABEL("bad-label");

    private final String code;

    Reason(String code) {
        this.code = code;
    }

    /** Stable kebab-case name, safe to put in a Kafka header and to alert on. */
    public String code() {
        return code;
    }
}
