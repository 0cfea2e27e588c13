package io.digitflow.control;

import io.digitflow.kafka.ClientFactory;
import io.digitflow.input.DecodeLimits;
import io.digitflow.config.DigitflowConfig;
import io.digitflow.data.MnistData;
import io.digitflow.data.MnistRepository;
import io.digitflow.input.ImageDecoder;
import io.digitflow.model.ModelArtifact;
import io.digitflow.model.ModelStore;
import io.digitflow.model.TrainingJob;
import io.digitflow.registry.ActivePointer;
import io.digitflow.registry.ServingModel;
import io.smallrye.common.annotation.Identifier;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Runs retrain commands, one at a time, on a background thread: MNIST plus {@code digits.labeled}, the
 * bundled {@link TrainingJob} at a bounded CPU share, the quality gate, then promotion through
 * {@link Promotions}. Reads {@code digits.labeled}; writes dead letters of it and the command's events.
 * Candidates are kept in {@code <model dir>/candidates}, outside the versions {@code serve} picks from.
 */
@ApplicationScoped
public class Retrainer {

    /** The sub-folder of the model folder where retrained models are written before (or without) promotion. */
    public static final String CANDIDATES = "candidates";

    private record Running(ControlCommand command, TrainingJob job) {
    }

    /** One training run; a seam for tests that need a job to fail in ways real training rarely does. */
    @FunctionalInterface
    interface Training {
        TrainingJob.Outcome run(TrainingJob job, MnistData data, io.digitflow.model.Hyperparameters hp, ModelStore store,
                                io.digitflow.model.Trainer.Progress progress);
    }

    static final Training REAL = (job, data, hp, store, progress) -> job.run(data, hp, store, null, progress);

    /** How a retrain trains: {@link #REAL} but in tests. */
    private volatile Training training = REAL;

    /** Replaces how retrains train (tests; a method, so that it reaches the bean behind its CDI proxy). */
    void train(Training how) {
        training = how;
    }

    private final DigitflowConfig config;
    private final ServingModel models;
    private final Promotions promotions;
    private final EventPublisher events;
    private final Map<String, Object> kafka;
    private final QualityGate gate;
    private final AtomicReference<Running> running = new AtomicReference<>();
    private final ExecutorService executor = Executors.newSingleThreadExecutor(task -> {
        Thread thread = new Thread(task, "digitflow-training");
        thread.setDaemon(true);
        return thread;
    });
    private MnistData mnist;

    public Retrainer(DigitflowConfig config, ServingModel models, Promotions promotions, EventPublisher events,
                     @Identifier("default-kafka-broker") Map<String, Object> kafka) {
        this.config = config;
        this.models = models;
        this.promotions = promotions;
        this.events = events;
        this.kafka = kafka;
        this.gate = new QualityGate(config.training().minAccuracy(), config.training().maxAccuracyDrop());
    }

    /** Starts {@code command} in the background; the reason it cannot, when one is running already. */
    public Optional<String> start(ControlCommand command) {
        Running next = new Running(command, new TrainingJob());
        if (!running.compareAndSet(null, next)) {
            return Optional.of("a retrain is already running (request " + running.get().command().requestId()
                    + "); cancel it or wait for its outcome");
        }
        executor.execute(() -> {
            ControlEvent outcome;
            try {
                outcome = run(next);
            } catch (Throwable e) {
                // An Error too (OutOfMemoryError of a large batch): the request must end, and the retrainer
                // be free again, or every later retrain is refused as "already running".
                outcome = event(command, ControlEvent.FAILED, "retrain failed: " + e, Map.of());
            } finally {
                // Free before telling: whoever reads the outcome may send the next retrain at once.
                running.set(null);
            }
            events.publish(outcome);
        });
        return Optional.empty();
    }

    /** Asks the running retrain to stop after its current step; its request id, or empty if none runs. */
    public Optional<String> cancel() {
        Running current = running.get();
        if (current == null) {
            return Optional.empty();
        }
        current.job().cancel();
        return Optional.of(current.command().requestId());
    }

    /** The request id of the retrain running now. */
    public Optional<String> runningRequest() {
        return Optional.ofNullable(running.get()).map(r -> r.command().requestId());
    }

    /** Trains, judges and promotes; the final event, published once this retrain no longer counts as running. */
    private ControlEvent run(Running running) {
        ControlCommand command = running.command();
        try {
            MnistData data = command.includeLabeled() ? withLabeled(command, mnist()) : mnist();
            ThrottledProgress progress = new ThrottledProgress(config.training().cpuShare(), (stats, epochs) ->
                    events.publish(command, ControlEvent.PROGRESS, String.format("epoch %d/%d: loss %.4f, accuracy %.4f, %.1f s",
                            stats.epoch(), epochs, stats.loss(), stats.accuracy(), stats.seconds()),
                            Map.of("epoch", stats.epoch(), "epochs", epochs, "loss", stats.loss(),
                                    "accuracy", stats.accuracy(), "seconds", stats.seconds())));
            ModelStore candidates = new ModelStore(config.modelDir().resolve(CANDIDATES));
            TrainingJob.Outcome outcome = training.run(running.job(), data, command.hyperparameters(), candidates, progress);
            ControlEvent verdict = judgeAndPromote(command, outcome.artifact());
            pruneCandidates(candidates);
            return verdict;
        } catch (CancellationException e) {
            return event(command, ControlEvent.CANCELLED, "retrain cancelled: " + e.getMessage(), Map.of());
        }
    }

    private static ControlEvent event(ControlCommand command, String status, String message, Map<String, Object> details) {
        return ControlEvent.of(command.requestId(), command.type().json(), status, message, details);
    }

    private ControlEvent judgeAndPromote(ControlCommand command, ModelArtifact candidate) {
        double accuracy = candidate.metadata().testAccuracy();
        Optional<ModelArtifact> serving = models.active().flatMap(ServingModel.Active::artifact);
        QualityGate.Verdict verdict = gate.judge(accuracy, serving.map(a -> a.metadata().testAccuracy()));
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("version", candidate.version());
        details.put("testAccuracy", accuracy);
        serving.ifPresent(a -> details.put("servingVersion", a.version()));
        serving.ifPresent(a -> details.put("servingAccuracy", a.metadata().testAccuracy()));
        if (!verdict.passed()) {
            details.put("keptIn", candidate.folder().toString());
            return event(command, ControlEvent.REJECTED, "model " + candidate.version() + " not promoted: "
                    + verdict.reason() + "; kept, not served", details);
        }
        if (!command.promote() || promotions.liveGate()) {
            promotions.publish(candidate);
            details.put("active", serving.map(ModelArtifact::version).orElse(null));
            return event(command, ControlEvent.DONE, "model " + candidate.version() + " published, not promoted ("
                    + (command.promote() ? "the live gate needs it shadowed first" : "asked so") + "): "
                    + verdict.reason() + "; send shadow " + candidate.version() + " to score it on live traffic",
                    details);
        }
        ActivePointer pointer = promotions.promoteNew(candidate);
        details.put("active", pointer.version());
        return event(command, ControlEvent.DONE, "model " + candidate.version() + " promoted: " + verdict.reason(),
                details);
    }

    /** Candidates beyond digitflow.model.keep-versions are deleted, oldest first (promoted ones are in the store too). */
    private void pruneCandidates(ModelStore candidates) {
        try {
            candidates.prune(java.util.Set.of(), config.model().keepVersions());
        } catch (RuntimeException e) {
            io.quarkus.logging.Log.warnf("Could not prune %s: %s", candidates.folder(), e.getMessage());
        }
    }

    private synchronized MnistData mnist() {
        if (mnist == null) {
            mnist = new MnistRepository(config.data().dir(), config.data().mirror(), config.dataCacheDir()).load();
        }
        return mnist;
    }

    private MnistData withLabeled(ControlCommand command, MnistData data) {
        ClientFactory clients = ClientFactory.of(kafka);
        try (KafkaConsumer<String, byte[]> consumer = clients.consumer("digitflow-labeled", Map.of());
             KafkaProducer<String, byte[]> dlq = clients.producer("digitflow-labeled-dead-letters", Map.of())) {
            LabeledData.Result result = LabeledData.addTo(data, consumer, config.topics().labeled(),
                    new ImageDecoder(DecodeLimits.of(config.input())), dlq, config.topics().deadLetters());
            events.publish(command, ControlEvent.PROGRESS, String.format("training on %d MNIST images + %d labelled "
                            + "records of %s (%d dead-lettered)", data.train().count(), result.added(),
                    config.topics().labeled(), result.deadLettered()),
                    Map.of("labeled", result.added(), "deadLettered", result.deadLettered()));
            return result.data();
        }
    }

    @PreDestroy
    void stop() {
        cancel();
        executor.shutdownNow();
    }
}
