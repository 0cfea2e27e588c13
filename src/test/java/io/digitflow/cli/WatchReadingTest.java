package io.digitflow.cli;

import org.junit.jupiter.api.Test;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** What watch reads of a prediction and a header, and what its latency record costs, whatever the topic holds. */
class WatchReadingTest {

    private static PredictionReading read(String json) {
        return PredictionReading.of(json.getBytes(UTF_8));
    }

    @Test
    void readsTheTopLevelDigitAndLatency() {
        PredictionReading reading = read("{\"id\":\"a\",\"digit\":7,\"probabilities\":[0.1,0.9],\"latencyMs\":3.25,"
                + "\"model\":\"v1\"}");
        assertThat(reading.digit()).isEqualTo(7);
        assertThat(reading.latencyMs()).isEqualTo(3.25);
    }

    @Test
    void isNotFooledByTheSameTextInsideAStringOrANestedObject() {
        // Searching the bytes for "digit": found it inside the id, and read 9.
        PredictionReading reading = read("{\"id\":\"x\\\"digit\\\":9 \\\"digit\\\": 9\",\"headers\":{\"digit\":8},"
                + "\"digit\":3}");
        assertThat(reading.digit()).isEqualTo(3);
        assertThat(read("{\"id\":\"\\\"digit\\\":9\"}").digit()).isEqualTo(-1);
        assertThat(read("{\"note\":\"\\\"digit\\\":5\",\"digit\":4}").digit()).isEqualTo(4);
    }

    @Test
    void anythingElseIsNoPrediction() {
        assertThat(read("not json")).isEqualTo(PredictionReading.NONE);
        assertThat(read("[1,2]")).isEqualTo(PredictionReading.NONE);
        assertThat(read("{\"digit\":12}").digit()).isEqualTo(-1);
        assertThat(read("{\"digit\":\"7\"}").digit()).isEqualTo(-1);
        assertThat(read("{\"digit\":7,").digit()).isEqualTo(7);
        assertThat(PredictionReading.of(null)).isEqualTo(PredictionReading.NONE);
    }

    @Test
    void headersFromOtherProducersAreNotNumbersUnlessTheyAre() {
        assertThat(WatchCommand.number("1733000000000000")).isEqualTo(1733000000000000L);
        assertThat(WatchCommand.number("7")).isEqualTo(7);
        assertThat(WatchCommand.number(null)).isEqualTo(-1);
        assertThat(WatchCommand.number("")).isEqualTo(-1);
        assertThat(WatchCommand.number("-3")).isEqualTo(-1);
        assertThat(WatchCommand.number("seven")).isEqualTo(-1);
        assertThat(WatchCommand.number("99999999999999999999999")).isEqualTo(-1);
    }

    @Test
    void latencyKeepsConstantMemoryAndItsPercentiles() {
        LatencyStats stats = new LatencyStats();
        for (int i = 1; i <= 1000; i++) {
            stats.record(i * 1000L); // 1..1000 ms
        }
        int footprint = stats.footprintBytes();
        for (int round = 0; round < 1000; round++) {
            for (int i = 1; i <= 1000; i++) {
                stats.record(i * 1000L);
            }
        }
        assertThat(stats.count()).isEqualTo(1_001_000);
        assertThat(stats.footprintBytes()).isEqualTo(footprint);
        assertThat(stats.percentileMs(0.50)).isCloseTo(500, within(1.0));
        assertThat(stats.percentileMs(0.99)).isCloseTo(990, within(1.0));
        assertThat(stats.percentileMs(1.0)).isCloseTo(1000, within(1.0));
        stats.record(-5);
        stats.record(Long.MAX_VALUE);
        assertThat(stats.percentileMs(1.0)).isCloseTo(LatencyStats.MAX_MICROS / 1000.0, within(LatencyStats.MAX_MICROS / 1e6));
        stats.reset();
        assertThat(stats.count()).isZero();
        assertThat(stats.percentileMs(0.5)).isNaN();
    }
}
