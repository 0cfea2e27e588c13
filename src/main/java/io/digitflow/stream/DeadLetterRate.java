package io.digitflow.stream;

import io.digitflow.config.DigitflowConfig;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * The share of image records dead-lettered over a sliding window, and the alarm on it: a flood of bad
 * input (a broken producer, an attack) shows as a metric and a health check rather than only as a
 * growing DLQ. The window is kept in ten slots, so it slides in tenths.
 */
@ApplicationScoped
public class DeadLetterRate {

    private static final int SLOTS = 10;

    private final double alarmRatio;
    private final long minRecords;
    private final Duration window;
    private final long slotNanos;
    private final LongSupplier clock;
    private final long[] records = new long[SLOTS];
    private final long[] deadLetters = new long[SLOTS];
    private final long[] slotOf = new long[SLOTS];

    @Inject
    public DeadLetterRate(DigitflowConfig config, MeterRegistry registry) {
        this(config.deadLetterAlarm().ratio(), config.deadLetterAlarm().minRecords(),
                config.deadLetterAlarm().window(), System::nanoTime);
        // Micrometer hands back an existing gauge of the same name, and one left by an earlier app in
        // this JVM (tests start several) would read a dead instance: replace it.
        registry.find("digitflow.dead.letters.ratio").meters().forEach(registry::remove);
        registry.find("digitflow.dead.letters.alarm").meters().forEach(registry::remove);
        Gauge.builder("digitflow.dead.letters.ratio", this, DeadLetterRate::ratio)
                .description("Share of image records dead-lettered over digitflow.dead-letter-alarm.window")
                .register(registry);
        Gauge.builder("digitflow.dead.letters.alarm", this, rate -> rate.alarm() ? 1 : 0)
                .description("1 while that share is at or above digitflow.dead-letter-alarm.ratio")
                .register(registry);
    }

    DeadLetterRate(double alarmRatio, long minRecords, Duration window, LongSupplier clock) {
        if (!(alarmRatio > 0 && alarmRatio <= 1)) {
            throw new IllegalArgumentException("digitflow.dead-letter-alarm.ratio must be in (0, 1], got " + alarmRatio);
        }
        if (window.toMillis() < SLOTS) {
            throw new IllegalArgumentException("digitflow.dead-letter-alarm.window must be at least 10ms, got " + window);
        }
        this.alarmRatio = alarmRatio;
        this.minRecords = minRecords;
        this.window = window;
        this.slotNanos = window.toNanos() / SLOTS;
        this.clock = clock;
        java.util.Arrays.fill(slotOf, Long.MIN_VALUE);
    }

    /** Counts one poll batch: {@code total} records of which {@code dead} were dead-lettered. */
    public synchronized void record(long total, long dead) {
        long slot = clock.getAsLong() / slotNanos;
        int i = (int) Math.floorMod(slot, SLOTS);
        if (slotOf[i] != slot) {
            slotOf[i] = slot;
            records[i] = 0;
            deadLetters[i] = 0;
        }
        records[i] += total;
        deadLetters[i] += dead;
    }

    /** Dead letters / records over the window; 0 when no record arrived in it. */
    public synchronized double ratio() {
        return ratio(sums());
    }

    /** Records in the window. */
    public synchronized long recordsInWindow() {
        return sums()[0];
    }

    /** True while the window holds at least the minimum of records and the ratio reaches the threshold. */
    public synchronized boolean alarm() {
        long[] sums = sums();
        return sums[0] >= minRecords && sums[0] > 0 && ratio(sums) >= alarmRatio;
    }

    /** Dead letters / records of {@code {records, deadLetters}}; 0 for no records. */
    private static double ratio(long[] sums) {
        return sums[0] == 0 ? 0 : (double) sums[1] / sums[0];
    }

    public double alarmRatio() {
        return alarmRatio;
    }

    public Duration window() {
        return window;
    }

    private long[] sums() {
        long current = clock.getAsLong() / slotNanos;
        long total = 0;
        long dead = 0;
        for (int i = 0; i < SLOTS; i++) {
            if (slotOf[i] > current - SLOTS && slotOf[i] <= current) {
                total += records[i];
                dead += deadLetters[i];
            }
        }
        return new long[] {total, dead};
    }
}
