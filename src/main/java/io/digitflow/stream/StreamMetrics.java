package io.digitflow.stream;

import io.digitflow.input.Reason;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;

/**
 * The stream's Prometheus metrics: records in and out, dead letters by reason, batch sizes, timings; what the
 * predictions look like is {@link LiveQuality}'s.
 * Created at start-up, so every series is exported (at zero) before the first record arrives.
 */
@Startup
@ApplicationScoped
public class StreamMetrics {

    private final Counter recordsIn;
    private final Counter predictions;
    private final Map<Reason, Counter> deadLetters = new EnumMap<>(Reason.class);
    private final DistributionSummary engineBatch;
    private final Timer inference;
    private final Timer latency;

    private final DeadLetterRate deadLetterRate;
    private final LiveQuality quality;

    private final ShadowScores shadow;
    private final LabelJoin labels;

    public StreamMetrics(MeterRegistry registry, DeadLetterRate deadLetterRate, LiveQuality quality, ShadowScores shadow,
                         LabelJoin labels) {
        this.shadow = shadow;
        this.labels = labels;
        this.deadLetterRate = deadLetterRate;
        this.quality = quality;
        recordsIn = Counter.builder("digitflow.records.in").description("Image records consumed").register(registry);
        predictions = Counter.builder("digitflow.predictions.out").description("Predictions produced")
                .register(registry);
        for (Reason reason : Reason.values()) {
            deadLetters.put(reason, Counter.builder("digitflow.dead.letters").tag("reason", reason.code())
                    .description("Records sent to the dead-letter topic").register(registry));
        }
        engineBatch = DistributionSummary.builder("digitflow.engine.batch.size").description("Images per engine call")
                .publishPercentileHistogram().register(registry);
        inference = Timer.builder("digitflow.batch.processing").description("Decoding and inference of one poll batch")
                .publishPercentileHistogram().register(registry);
        latency = Timer.builder("digitflow.latency").description("From the input record's timestamp to its output acknowledged by the broker")
                .publishPercentileHistogram().minimumExpectedValue(Duration.ofMillis(1))
                .maximumExpectedValue(Duration.ofSeconds(60)).register(registry);
    }

    void batch(BatchProcessor.Output output, int records, long processingNanos) {
        recordsIn.increment(records);
        predictions.increment(output.predictions());
        output.deadLetters().forEach((reason, count) -> deadLetters.get(reason).increment(count));
        deadLetterRate.record(records, records - output.predictions());
        output.engineBatches().forEach(engineBatch::record);
        inference.record(Duration.ofNanos(processingNanos));
        quality.record(output.quality(), output.serving());
        shadow.record(output.shadow());
        labels.record(output.quality());
    }

    /**
     * An output the broker refused for a reason tied to its record, dead-lettered instead. The batch was
     * counted as predicted already; the dead-letter counter says how many of those became dead letters.
     */
    void refusedByBroker() {
        deadLetters.get(Reason.REFUSED_BY_BROKER).increment();
    }

    void latency(long millis) {
        latency.record(Math.max(0, millis), java.util.concurrent.TimeUnit.MILLISECONDS); // no Duration per record
    }
}
