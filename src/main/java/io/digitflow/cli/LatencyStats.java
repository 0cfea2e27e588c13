package io.digitflow.cli;

import java.util.Arrays;

/** Latencies recorded in microseconds; percentiles computed exactly by sorting at the end. */
public final class LatencyStats {

    private long[] values = new long[1024];
    private int count;

    public void record(long micros) {
        if (count == values.length) {
            values = Arrays.copyOf(values, values.length * 2);
        }
        values[count++] = micros;
    }

    public int count() {
        return count;
    }

    /** The q-quantile (0..1) in milliseconds, nearest-rank; NaN when nothing was recorded. */
    public double percentileMs(double q) {
        if (count == 0) {
            return Double.NaN;
        }
        long[] sorted = Arrays.copyOf(values, count);
        Arrays.sort(sorted);
        int rank = (int) Math.ceil(q * count) - 1;
        return sorted[Math.max(0, Math.min(count - 1, rank))] / 1000.0;
    }
}
