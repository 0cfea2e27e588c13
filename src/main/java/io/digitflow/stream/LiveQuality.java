package io.digitflow.stream;

import io.digitflow.StartupFailure;
import io.digitflow.config.DigitflowConfig;
import io.digitflow.inference.Classifier;
import io.digitflow.model.ModelArtifact;
import io.digitflow.registry.ServingModel;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * Watches what the service predicts, for alerting rather than for debugging:
 * <ul>
 * <li>live accuracy per model version, from records whose label header names their true digit
 * ({@code digitflow_live_labeled_total}, {@code digitflow_live_correct_total}, {@code digitflow_live_accuracy});</li>
 * <li>predictions per digit, the confidence histogram and the low-confidence count;</li>
 * <li>drift: the total variation distance between the predicted-digit distribution of the last
 * {@code digitflow.monitoring.drift-window} predictions and the one the serving model produced on the MNIST
 * test set when it was trained (its confusion matrix's columns), as a gauge and a wellness check.</li>
 * </ul>
 * Fed once per poll batch from the inference thread's {@link QualityTally}; every structure is bounded
 * (the window, and at most {@code digitflow.monitoring.max-model-series} versions with their own series).
 */
@Startup
@ApplicationScoped
public class LiveQuality {

    /** Fewest predictions in the window before the drift check may go DOWN. */
    static final int MIN_DRIFT_SAMPLES = 100;

    private final MeterRegistry registry;
    private final double lowConfidence;
    private final double driftAlarm;
    private final int maxModelSeries;
    private final Function<String, Optional<double[]>> reference;

    private final Counter[] digits = new Counter[Classifier.CLASSES];
    private final DistributionSummary confidence;
    private final Counter lowConfidenceCount;
    /** Per model version, oldest first. */
    private final Map<String, Accuracy> accuracy = new LinkedHashMap<>();

    /** The last predicted digits, a ring; {@link #windowCounts} counts each digit in it. */
    private final byte[] window;
    private final int[] windowCounts = new int[Classifier.CLASSES];
    private int windowNext;
    private int windowFill;
    /** The version whose test-set distribution the window is compared with; the window restarts when it changes. */
    private String windowVersion;
    private double[] windowReference;

    @Inject
    public LiveQuality(MeterRegistry registry, DigitflowConfig config, ServingModel serving) {
        this(registry, config.monitoring(), version -> serving.active()
                .filter(active -> active.version().equals(version))
                .flatMap(ServingModel.Active::artifact)
                .flatMap(LiveQuality::testSetDistribution));
    }

    LiveQuality(MeterRegistry registry, DigitflowConfig.Monitoring settings,
                Function<String, Optional<double[]>> reference) {
        if (settings.driftWindow() < MIN_DRIFT_SAMPLES || settings.driftWindow() > 1_000_000) {
            throw new StartupFailure("the drift window must hold 100 to 1000000 predictions, not "
                    + settings.driftWindow(), "digitflow.monitoring.drift-window");
        }
        if (!(settings.driftAlarm() > 0 && settings.driftAlarm() <= 1)) {
            throw new StartupFailure("the drift alarm must be a distance in (0, 1], not " + settings.driftAlarm(),
                    "digitflow.monitoring.drift-alarm");
        }
        if (!(settings.lowConfidence() > 0 && settings.lowConfidence() <= 1)) {
            throw new StartupFailure("the low-confidence bound must be a probability in (0, 1], not "
                    + settings.lowConfidence(), "digitflow.monitoring.low-confidence");
        }
        if (settings.maxModelSeries() < 1) {
            throw new StartupFailure("at least one model version's series must be kept, not "
                    + settings.maxModelSeries(), "digitflow.monitoring.max-model-series");
        }
        this.registry = registry;
        this.lowConfidence = settings.lowConfidence();
        this.driftAlarm = settings.driftAlarm();
        this.maxModelSeries = settings.maxModelSeries();
        this.reference = reference;
        this.window = new byte[settings.driftWindow()];
        for (int d = 0; d < digits.length; d++) {
            digits[d] = Counter.builder("digitflow.predictions.digit").tag("digit", Integer.toString(d))
                    .description("Predictions per predicted digit").register(registry);
        }
        confidence = DistributionSummary.builder("digitflow.prediction.confidence")
                .description("The predicted digit's probability")
                .serviceLevelObjectives(0.5, 0.7, 0.8, 0.9, 0.95, 0.99, 0.999).register(registry);
        lowConfidenceCount = Counter.builder("digitflow.predictions.low.confidence")
                .description("Predictions below digitflow.monitoring.low-confidence").register(registry);
        // A gauge reads the object it was registered with: one left by an earlier instance in this registry (a
        // restarted application in the same JVM, as in tests) would be kept and read a dead object.
        registry.find("digitflow.prediction.drift").meters().forEach(registry::remove);
        for (String perModel : new String[] {"digitflow.live.accuracy", "digitflow.live.labeled", "digitflow.live.correct"}) {
            registry.find(perModel).meters().forEach(registry::remove);
        }
        Gauge.builder("digitflow.prediction.drift", this, LiveQuality::driftOrNaN)
                .description("Total variation distance of the recent predicted digits from the serving model's on the test set")
                .register(registry);
    }

    /** The predicted-digit distribution of a model on the MNIST test set: its confusion matrix's column sums. */
    static Optional<double[]> testSetDistribution(ModelArtifact artifact) {
        int[][] confusion = artifact.metadata().confusionMatrix();
        if (confusion == null || confusion.length != Classifier.CLASSES) {
            return Optional.empty();
        }
        double[] share = new double[Classifier.CLASSES];
        double total = 0;
        for (int[] row : confusion) {
            if (row == null || row.length != Classifier.CLASSES) {
                return Optional.empty();
            }
            for (int predicted = 0; predicted < Classifier.CLASSES; predicted++) {
                share[predicted] += Math.max(0, row[predicted]);
                total += Math.max(0, row[predicted]);
            }
        }
        if (total == 0) {
            return Optional.empty();
        }
        for (int d = 0; d < share.length; d++) {
            share[d] /= total;
        }
        return Optional.of(share);
    }

    /** Takes in one poll batch's predictions; {@code servingVersion} is the version the window is compared with. */
    synchronized void record(QualityTally tally, String servingVersion) {
        int n = tally.count();
        if (servingVersion != null && !servingVersion.equals(windowVersion)) {
            restartWindow(servingVersion);
        }
        int low = 0;
        int[] perDigit = new int[Classifier.CLASSES];
        for (int i = 0; i < n; i++) {
            int digit = tally.digit(i);
            float p = tally.confidence(i);
            perDigit[digit]++;
            confidence.record(p);
            if (p < lowConfidence) {
                low++;
            }
            if (windowFill == window.length) {
                windowCounts[window[windowNext]]--;
            } else {
                windowFill++;
            }
            window[windowNext] = (byte) digit;
            windowCounts[digit]++;
            windowNext = windowNext + 1 == window.length ? 0 : windowNext + 1;
        }
        for (int d = 0; d < perDigit.length; d++) {
            if (perDigit[d] > 0) {
                digits[d].increment(perDigit[d]);
            }
        }
        if (low > 0) {
            lowConfidenceCount.increment(low);
        }
        for (int slot = 0; slot < tally.versionCount(); slot++) {
            accuracyOf(tally.version(slot)).add(tally.labeled(slot), tally.correct(slot));
        }
    }

    /** One prediction of {@code version} whose label came later, on the labelled topic ({@link LabelJoin}). */
    synchronized void labelled(String version, boolean correct) {
        accuracyOf(version).add(1, correct ? 1 : 0);
    }

    private void restartWindow(String version) {
        windowVersion = version;
        windowReference = reference.apply(version).orElse(null);
        windowFill = 0;
        windowNext = 0;
        java.util.Arrays.fill(windowCounts, 0);
    }

    private Accuracy accuracyOf(String version) {
        Accuracy known = accuracy.get(version);
        if (known != null) {
            return known;
        }
        if (accuracy.size() == maxModelSeries) {
            String oldest = accuracy.keySet().iterator().next();
            accuracy.remove(oldest).meters.forEach(registry::remove);
        }
        Accuracy fresh = new Accuracy(registry, version);
        accuracy.put(version, fresh);
        return fresh;
    }

    /** The drift now, or empty while the window holds too few predictions or the model has no test-set figures. */
    public synchronized Optional<Double> drift() {
        if (windowReference == null || windowFill < Math.min(MIN_DRIFT_SAMPLES, window.length)) {
            return Optional.empty();
        }
        double distance = 0;
        for (int d = 0; d < windowCounts.length; d++) {
            distance += Math.abs((double) windowCounts[d] / windowFill - windowReference[d]);
        }
        return Optional.of(distance / 2);
    }

    private double driftOrNaN() {
        return drift().orElse(Double.NaN);
    }

    /** True while the drift reaches {@code digitflow.monitoring.drift-alarm}. */
    public boolean driftAlarm() {
        return drift().map(d -> d >= driftAlarm).orElse(false);
    }

    public double driftAlarmLevel() {
        return driftAlarm;
    }

    /** Predictions in the drift window now, and the version they are compared with. */
    public synchronized int windowFill() {
        return windowFill;
    }

    public synchronized Optional<String> windowVersion() {
        return Optional.ofNullable(windowVersion);
    }

    /** Live accuracy of {@code version} so far: empty before its first labelled prediction. */
    public synchronized Optional<Double> accuracy(String version) {
        Accuracy a = accuracy.get(version);
        return a == null || a.labeled == 0 ? Optional.empty() : Optional.of((double) a.correct / a.labeled);
    }

    /** Labelled predictions of one model version, with their series. */
    private static final class Accuracy {
        private final Counter labeledCount;
        private final Counter correctCount;
        private final List<Meter> meters = new ArrayList<>();
        private volatile long labeled;
        private volatile long correct;

        Accuracy(MeterRegistry registry, String version) {
            labeledCount = Counter.builder("digitflow.live.labeled").tag("model", version)
                    .description("Predictions whose true digit is known: from the record's label header, or a record of the labelled topic with the same key").register(registry);
            correctCount = Counter.builder("digitflow.live.correct").tag("model", version)
                    .description("Labelled predictions that were right").register(registry);
            meters.add(labeledCount);
            meters.add(correctCount);
            meters.add(Gauge.builder("digitflow.live.accuracy", this, Accuracy::value).tag("model", version)
                    .description("Share of labelled predictions that were right, since start").register(registry));
        }

        void add(int labeledNow, int correctNow) {
            if (labeledNow == 0) {
                return;
            }
            labeled += labeledNow;
            correct += correctNow;
            labeledCount.increment(labeledNow);
            correctCount.increment(correctNow);
        }

        private double value() {
            return labeled == 0 ? Double.NaN : (double) correct / labeled;
        }
    }
}
