package io.digitflow.web;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.distribution.CountAtBucket;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * The console's counters, read from the service's own Micrometer meters once a second: throughput,
 * latency percentiles of the last second (from the latency histogram's buckets), dead letters by
 * reason, consumer lag. Keeps the last {@link #HISTORY} seconds for the plots. Not thread-safe: the
 * console's timer is its only caller.
 */
final class ConsoleStats {

    /** Seconds of history kept for the plots. */
    static final int HISTORY = 300;

    /** One second of the stream. {@code p50Ms}/{@code p99Ms} are NaN when nothing was delivered in it. */
    record Second(long at, double recordsPerSecond, double predictionsPerSecond, double p50Ms, double p99Ms,
                  double lag, long recordsIn, long predictions, Map<String, Long> deadLetters) {
    }

    private final MeterRegistry registry;
    private final ArrayDeque<Second> history = new ArrayDeque<>(HISTORY);
    private double lastIn = Double.NaN;
    private double lastOut = Double.NaN;
    private long lastAt;
    private double[] lastBuckets;

    ConsoleStats(MeterRegistry registry) {
        this.registry = registry;
    }

    Second tick(long nowMillis) {
        double in = count("digitflow.records.in");
        double out = count("digitflow.predictions.out");
        double seconds = lastAt == 0 ? 1 : Math.max(0.001, (nowMillis - lastAt) / 1000.0);
        double inRate = Double.isNaN(lastIn) ? 0 : (in - lastIn) / seconds;
        double outRate = Double.isNaN(lastOut) ? 0 : (out - lastOut) / seconds;
        double[] percentiles = latencyPercentiles();
        Second second = new Second(nowMillis, inRate, outRate, percentiles[0], percentiles[1], lag(),
                (long) in, (long) out, deadLetters());
        lastIn = in;
        lastOut = out;
        lastAt = nowMillis;
        if (history.size() == HISTORY) {
            history.removeFirst();
        }
        history.addLast(second);
        return second;
    }

    List<Second> history() {
        return new ArrayList<>(history);
    }

    private double count(String name) {
        Counter counter = registry.find(name).counter();
        return counter == null ? 0 : counter.count();
    }

    private Map<String, Long> deadLetters() {
        Map<String, Long> byReason = new TreeMap<>();
        for (Counter counter : registry.find("digitflow.dead.letters").counters()) {
            long count = (long) counter.count();
            if (count > 0) {
                byReason.put(counter.getId().getTag("reason"), count);
            }
        }
        return byReason;
    }

    /** The images consumer's largest partition lag; NaN before it has one. */
    private double lag() {
        double lag = Double.NaN;
        for (Gauge gauge : registry.find("kafka.consumer.fetch.manager.records.lag.max").gauges()) {
            String client = gauge.getId().getTag("client.id");
            double value = gauge.value();
            if (client != null && client.contains("images") && !Double.isNaN(value)) {
                lag = Double.isNaN(lag) ? value : Math.max(lag, value);
            }
        }
        return lag;
    }

    /** p50 and p99 of the latencies recorded since the last tick, as the upper bounds of their buckets. */
    private double[] latencyPercentiles() {
        Timer timer = registry.find("digitflow.latency").timer();
        if (timer == null) {
            return new double[]{Double.NaN, Double.NaN};
        }
        CountAtBucket[] buckets = timer.takeSnapshot().histogramCounts();
        double[] cumulative = new double[buckets.length];
        for (int i = 0; i < buckets.length; i++) {
            cumulative[i] = buckets[i].count();
        }
        double[] previous = lastBuckets;
        lastBuckets = cumulative;
        if (previous == null || previous.length != cumulative.length) {
            return new double[]{Double.NaN, Double.NaN};
        }
        double total = cumulative.length == 0 ? 0 : cumulative[cumulative.length - 1] - previous[previous.length - 1];
        if (total <= 0) {
            return new double[]{Double.NaN, Double.NaN};
        }
        return new double[]{percentile(buckets, cumulative, previous, total, 0.50),
                percentile(buckets, cumulative, previous, total, 0.99)};
    }

    private static double percentile(CountAtBucket[] buckets, double[] now, double[] before, double total, double q) {
        for (int i = 0; i < buckets.length; i++) {
            if (now[i] - before[i] >= q * total) {
                return buckets[i].bucket(TimeUnit.MILLISECONDS);
            }
        }
        return buckets[buckets.length - 1].bucket(TimeUnit.MILLISECONDS);
    }
}
