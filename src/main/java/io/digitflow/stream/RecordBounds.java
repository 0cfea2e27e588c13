package io.digitflow.stream;

import io.digitflow.config.DigitflowConfig;

/**
 * Bounds on a record's shape besides its decoder limits, and on what the service writes.
 *
 * @param maxHeaders     most headers an image record may carry ({@code digitflow.input.max-headers}): thousands of
 *                       empty headers cost framing and work in every output that repeats them
 * @param maxOutputBytes the output producer's {@code max.request.size} ({@code digitflow.output.max-request-bytes}):
 *                       every prediction and dead letter is built to be at most this big, as the producer counts
 */
public record RecordBounds(int maxHeaders, int maxOutputBytes) {

    /** Smallest output bound accepted: a dead letter cut to its bounded form needs a few KiB of headers. */
    public static final int MIN_OUTPUT_BYTES = 64 * 1024;
    /** 64 headers; Kafka's default 1 MiB max.request.size. */
    public static final RecordBounds DEFAULTS = new RecordBounds(64, 1024 * 1024);

    public RecordBounds {
        if (maxHeaders < 0) {
            throw new IllegalArgumentException("digitflow.input.max-headers must be at least 0, got " + maxHeaders);
        }
        if (maxOutputBytes < MIN_OUTPUT_BYTES) {
            throw new IllegalArgumentException("digitflow.output.max-request-bytes must be at least "
                    + MIN_OUTPUT_BYTES + ", got " + maxOutputBytes);
        }
    }

    public static RecordBounds of(DigitflowConfig config) {
        return new RecordBounds(config.input().maxHeaders(), config.output().maxRequestBytes());
    }
}
