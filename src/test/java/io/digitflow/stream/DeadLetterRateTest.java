package io.digitflow.stream;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.within;

class DeadLetterRateTest {

    private final AtomicLong now = new AtomicLong(1_000_000_000_000L);
    private final DeadLetterRate rate = new DeadLetterRate(0.5, 100, Duration.ofSeconds(10), now::get);

    private void advance(Duration d) {
        now.addAndGet(d.toNanos());
    }

    @Test
    void aFloodRaisesTheAlarmAndItClearsOnceTheFloodLeavesTheWindow() {
        assertThat(rate.alarm()).isFalse();
        rate.record(1000, 900);
        assertThat(rate.ratio()).isCloseTo(0.9, within(1e-9));
        assertThat(rate.alarm()).isTrue();

        advance(Duration.ofSeconds(5));
        rate.record(1000, 0); // good records again: 900 of 2000 in the window
        assertThat(rate.ratio()).isCloseTo(0.45, within(1e-9));
        assertThat(rate.alarm()).isFalse();

        advance(Duration.ofSeconds(6)); // the flood's slot has left the window
        assertThat(rate.recordsInWindow()).isEqualTo(1000);
        assertThat(rate.ratio()).isZero();
    }

    @Test
    void theThresholdIsInclusiveAndAQuietWindowNeedsTheMinimumOfRecords() {
        rate.record(99, 99);
        assertThat(rate.alarm()).as("99 records are below the minimum").isFalse();
        rate.record(1, 0);
        assertThat(rate.ratio()).isCloseTo(0.99, within(1e-9));
        assertThat(rate.alarm()).isTrue();
        rate.record(98, 0); // 99 of 198 = exactly 0.5
        assertThat(rate.alarm()).isTrue();
        rate.record(1, 0);
        assertThat(rate.alarm()).isFalse();
    }

    @Test
    void anEmptyWindowReadsZeroAndSlotsAreReusedAfterAFullTurn() {
        rate.record(500, 500);
        advance(Duration.ofSeconds(30)); // three full turns of the ten slots
        assertThat(rate.ratio()).isZero();
        assertThat(rate.recordsInWindow()).isZero();
        rate.record(200, 100);
        assertThat(rate.recordsInWindow()).isEqualTo(200);
        assertThat(rate.alarm()).isTrue();
    }

    @Test
    void nonsenseSettingsFailNamingTheSetting() {
        assertThatIllegalArgumentException().isThrownBy(() -> new DeadLetterRate(0, 1, Duration.ofMinutes(1), now::get))
                .withMessageContaining("digitflow.dead-letter-alarm.ratio");
        assertThatIllegalArgumentException().isThrownBy(() -> new DeadLetterRate(1.5, 1, Duration.ofMinutes(1), now::get))
                .withMessageContaining("digitflow.dead-letter-alarm.ratio");
        assertThatIllegalArgumentException().isThrownBy(() -> new DeadLetterRate(0.5, 1, Duration.ofMillis(5), now::get))
                .withMessageContaining("digitflow.dead-letter-alarm.window");
    }
}
