package io.digitflow.input;

/** The encodings a record value may use; {@link #contentType()} is the header value that selects each. */
public enum InputFormat {
    /** 784 bytes, row-major, 0 = background, 255 = ink: MNIST's own layout. */
    RAW("application/x-digit-u8"),
    /** {"pixels": [784 ints]} or 28 rows of 28, with an optional "id". */
    JSON("application/json"),
    /** A PNG picture of any size, prepared like MNIST. */
    PNG("image/png"),
    /** A JPEG picture of any size (RGB, grey, CMYK or YCCK), prepared like MNIST. */
    JPEG("image/jpeg"),
    /** A WebP picture (lossy or lossless) of any size, prepared like MNIST. */
    WEBP("image/webp");

    private final String contentType;

    InputFormat(String contentType) {
        this.contentType = contentType;
    }

    public String contentType() {
        return contentType;
    }
}
