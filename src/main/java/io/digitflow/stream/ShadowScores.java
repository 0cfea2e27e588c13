package io.digitflow.stream;

import io.digitflow.config.DigitflowConfig;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * This replica's shadow figures per candidate version, since it started: records scored, agreement with the
 * serving model, both models' accuracy on labelled records, records skipped because the stream was behind.
 * Exported as metrics ({@code digitflow_shadow_*{version}}), reported as {@link ShadowReport} events every
 * {@code digitflow.shadow.report-interval} while a shadow runs, and read by the live gate of a promotion.
 * At most {@value #MAX_VERSIONS} versions are kept (the oldest go, with their series).
 */
@ApplicationScoped
public class ShadowScores {

    static final int MAX_VERSIONS = 8;
    private static final String[] METERS = {"digitflow.shadow.records", "digitflow.shadow.agreed",
            "digitflow.shadow.skipped", "digitflow.shadow.agreement", "digitflow.shadow.accuracy"};

    /** One candidate's figures, as they stand. */
    public record Score(String version, long scored, long agreed, long labelled, long servingCorrect,
                        long candidateCorrect, long skipped) {

        /** Share of scored records on which the candidate gave the serving model's digit; NaN before any. */
        public double agreement() {
            return scored == 0 ? Double.NaN : (double) agreed / scored;
        }

        public double servingAccuracy() {
            return labelled == 0 ? Double.NaN : (double) servingCorrect / labelled;
        }

        public double candidateAccuracy() {
            return labelled == 0 ? Double.NaN : (double) candidateCorrect / labelled;
        }

        /** The figures as an event's details. */
        public Map<String, Object> details() {
            Map<String, Object> details = new LinkedHashMap<>();
            details.put("version", version);
            details.put("scored", scored);
            details.put("agreement", scored == 0 ? null : agreement());
            details.put("labelled", labelled);
            details.put("servingAccuracy", labelled == 0 ? null : servingAccuracy());
            details.put("candidateAccuracy", labelled == 0 ? null : candidateAccuracy());
            details.put("skipped", skipped);
            return details;
        }
    }

    /** A periodic report of one replica's shadow figures, for the events topic. */
    public record ShadowReport(Score score) {
    }

    private static final class Tally {
        final String version;
        long scored;
        long agreed;
        long labelled;
        long servingCorrect;
        long candidateCorrect;
        long skipped;

        Tally(String version) {
            this.version = version;
        }

        synchronized Score score() {
            return new Score(version, scored, agreed, labelled, servingCorrect, candidateCorrect, skipped);
        }
    }

    private final MeterRegistry registry;
    private final Event<ShadowReport> reports;
    private final long reportIntervalNanos;
    private final Map<String, Tally> tallies = new LinkedHashMap<>();
    private long lastReport = System.nanoTime();

    @jakarta.inject.Inject
    public ShadowScores(MeterRegistry registry, DigitflowConfig config, Event<ShadowReport> reports) {
        this(registry, config.shadow().reportInterval(), reports);
    }

    ShadowScores(MeterRegistry registry, Duration reportInterval, Event<ShadowReport> reports) {
        this.registry = registry;
        this.reports = reports;
        this.reportIntervalNanos = reportInterval.toNanos();
        // Gauges read the object they were registered with: drop any an earlier instance left in this registry.
        for (String name : METERS) {
            registry.find(name).meters().forEach(registry::remove);
        }
    }

    /** Adds one poll batch's figures (inference thread); reports when the interval has passed. */
    void record(ShadowCounts counts) {
        if (counts.version() == null) {
            return;
        }
        Tally tally = tally(counts.version());
        synchronized (tally) {
            tally.scored += counts.scored();
            tally.agreed += counts.agreed();
            tally.labelled += counts.labelled();
            tally.servingCorrect += counts.servingCorrect();
            tally.candidateCorrect += counts.candidateCorrect();
            tally.skipped += counts.skipped();
        }
        long now = System.nanoTime();
        if (now - lastReport >= reportIntervalNanos) {
            lastReport = now;
            // Asynchronously: the report is written to the events topic, which serving must never wait for.
            reports.fireAsync(new ShadowReport(tally.score()));
        }
    }

    /** This replica's figures for {@code version}; empty when it never shadowed it (or forgot it, beyond the bound). */
    public synchronized Optional<Score> score(String version) {
        return Optional.ofNullable(tallies.get(version)).map(Tally::score);
    }

    /** Every version's figures, oldest first. */
    public synchronized List<Score> scores() {
        List<Score> all = new ArrayList<>();
        tallies.values().forEach(t -> all.add(t.score()));
        return all;
    }

    private synchronized Tally tally(String version) {
        Tally tally = tallies.get(version);
        if (tally != null) {
            return tally;
        }
        if (tallies.size() == MAX_VERSIONS) {
            String oldest = tallies.keySet().iterator().next();
            tallies.remove(oldest);
            for (String name : METERS) {
                registry.find(name).tag("version", oldest).meters().forEach(registry::remove);
            }
        }
        Tally next = new Tally(version);
        tallies.put(version, next);
        Tags tags = Tags.of("version", version);
        FunctionCounter.builder("digitflow.shadow.records", next, t -> t.score().scored()).tags(tags)
                .description("Records the shadow candidate scored").register(registry);
        FunctionCounter.builder("digitflow.shadow.agreed", next, t -> t.score().agreed()).tags(tags)
                .description("Shadow-scored records on which the candidate gave the serving model's digit")
                .register(registry);
        FunctionCounter.builder("digitflow.shadow.skipped", next, t -> t.score().skipped()).tags(tags)
                .description("Records not shadow-scored because the stream was behind (digitflow.shadow.max-lag)")
                .register(registry);
        Gauge.builder("digitflow.shadow.agreement", next, t -> t.score().agreement()).tags(tags)
                .description("Share of shadow-scored records on which candidate and serving model agree")
                .register(registry);
        Gauge.builder("digitflow.shadow.accuracy", next, t -> t.score().servingAccuracy())
                .tags(tags.and("model", "serving"))
                .description("Accuracy on labelled shadow-scored records, of the serving model and of the candidate")
                .register(registry);
        Gauge.builder("digitflow.shadow.accuracy", next, t -> t.score().candidateAccuracy())
                .tags(tags.and("model", "candidate"))
                .description("Accuracy on labelled shadow-scored records, of the serving model and of the candidate")
                .register(registry);
        return next;
    }
}
