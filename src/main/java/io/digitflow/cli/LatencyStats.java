package io.digitflow.cli;

import org.HdrHistogram.Histogram;

/**
 * Latencies recorded in microseconds, in an HdrHistogram: constant memory however long {@code watch}
 * runs (a demo runs it for days), percentiles to three significant digits. Values below zero (clocks of
 * two machines apart) count as zero.
 */
public final class LatencyStats {

    /** Up to an hour, in microseconds; longer values are counted as an hour. */
    static final long MAX_MICROS = 3_600_000_000L;

    private final Histogram histogram = new Histogram(MAX_MICROS, 3);

    public void record(long micros) {
        histogram.recordValue(Math.max(0, Math.min(MAX_MICROS, micros)));
    }

    public long count() {
        return histogram.getTotalCount();
    }

    /** The q-quantile (0..1) in milliseconds; NaN when nothing was recorded. */
    public double percentileMs(double q) {
        if (histogram.getTotalCount() == 0) {
            return Double.NaN;
        }
        long value = q >= 1.0 ? histogram.getMaxValue() : histogram.getValueAtPercentile(q * 100);
        return value / 1000.0;
    }

    /** Forgets every value, keeping the memory. */
    public void reset() {
        histogram.reset();
    }

    /** Bytes this holds, whatever the number of values recorded. */
    int footprintBytes() {
        return histogram.getEstimatedFootprintInBytes();
    }
}
