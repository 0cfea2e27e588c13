package io.digitflow.cli;

/**
 * Headers `send` puts on each image and the service carries over to its prediction, so `watch`
 * can measure end-to-end latency and accuracy without any state shared between the two.
 */
public final class HarnessHeaders {

    /** Wall-clock time the image was handed to the producer, in microseconds since the epoch. */
    public static final String SENT_AT_MICROS = "digitflow-sent-at-us";
    /** The true digit, when known (MNIST). */
    public static final String LABEL = io.digitflow.stream.StreamTap.LABEL_HEADER;
    /** The image's index in the MNIST test set, so `watch` can draw it. */
    public static final String MNIST_INDEX = "digitflow-mnist-index";

    private HarnessHeaders() {
    }

    public static long nowMicros() {
        java.time.Instant now = java.time.Instant.now();
        return now.getEpochSecond() * 1_000_000L + now.getNano() / 1_000;
    }
}
