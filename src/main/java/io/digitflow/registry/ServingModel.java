package io.digitflow.registry;

import io.digitflow.Shape;
import io.digitflow.UserException;
import io.digitflow.config.DigitflowConfig;
import io.digitflow.data.MnistRepository;
import io.digitflow.inference.Classifier;
import io.digitflow.inference.ConstantClassifier;
import io.digitflow.inference.Engines;
import io.digitflow.model.Hyperparameters;
import io.digitflow.model.ModelArtifact;
import io.digitflow.model.ModelStore;
import io.digitflow.model.Trainer;
import io.digitflow.model.TrainingJob;
import io.digitflow.platform.Nd4jRuntime;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.quarkus.logging.Log;
import jakarta.enterprise.context.ApplicationScoped;

import java.nio.file.Path;
import java.util.Optional;

/**
 * The model being served. Consumers ask {@link #active()} once per engine batch and keep a
 * classifier of their own for that version, so a swap takes effect between batches, never within one.
 */
@ApplicationScoped
public class ServingModel {

    /** The serving model and a warmed-up classifier that consumer threads copy. */
    public record Active(String version, Classifier prototype, Optional<ModelArtifact> artifact) {
    }

    /**
     * A candidate beside the serving model: scored in shadow on every engine batch, or serving {@code percent} %
     * of the keys as a canary.
     */
    public record Experiment(Kind kind, Active candidate, int percent) {
        public enum Kind {
            SHADOW, CANARY;

            public String json() {
                return name().toLowerCase(java.util.Locale.ROOT);
            }
        }
    }

    private final DigitflowConfig config;
    private final MeterRegistry registry;
    private volatile Active active;
    private volatile Experiment experiment;

    public ServingModel(DigitflowConfig config, MeterRegistry registry) {
        this.config = config;
        this.registry = registry;
    }

    public Optional<Active> active() {
        return Optional.ofNullable(active);
    }

    /** The experiment running beside the serving model, if any. */
    public Optional<Experiment> experiment() {
        return Optional.ofNullable(experiment);
    }

    /**
     * Starts (or changes) the experiment: the candidate's classifier is loaded unless the experiment runs that
     * version already. Consumers pick it up from their next engine batch.
     */
    public synchronized Experiment experiment(Experiment.Kind kind, ModelArtifact candidate, int percent) {
        Experiment running = experiment;
        Active loaded;
        if (running != null && running.candidate().version().equals(candidate.version())) {
            loaded = running.candidate();
        } else {
            loaded = warm(load(candidate));
        }
        experiment = new Experiment(kind, loaded, percent);
        Log.infof("Experiment: %s %s%s beside %s", kind.json(), candidate.version(),
                kind == Experiment.Kind.CANARY ? " on " + percent + " % of keys" : "",
                active == null ? "nothing" : active.version());
        if (running != null && running.candidate() != loaded) {
            running.candidate().prototype().close();
        }
        return experiment;
    }

    /** Ends the experiment, if one runs. */
    public synchronized void endExperiment() {
        Experiment running = experiment;
        experiment = null;
        if (running != null) {
            Log.infof("Experiment: %s %s ended", running.kind().json(), running.candidate().version());
            running.candidate().prototype().close();
        }
    }

    /** Loads the newest local model, training one first if there is none and that is allowed. */
    public synchronized Active ensureLoaded(Trainer.Progress progress) {
        if (active != null) {
            return active;
        }
        if (config.engine() == DigitflowConfig.Engine.CONSTANT) {
            Log.warn("digitflow.engine=constant: every image is answered 0; for measuring Kafka throughput only");
            return activate(new Active("constant", new ConstantClassifier("constant"), Optional.empty()));
        }
        Log.infof("ND4J: %s", Nd4jRuntime.describe().summary());
        ModelStore store = new ModelStore(config.modelDir());
        Optional<Path> newest = store.newest();
        ModelArtifact artifact;
        if (newest.isPresent()) {
            artifact = ModelArtifact.load(newest.get());
        } else if (config.serve().trainIfMissing()) {
            Log.infof("No model in %s yet: training one with the default settings", store.folder());
            MnistRepository data = new MnistRepository(config.data().dir(), config.data().mirror(),
                    config.dataCacheDir());
            artifact = new TrainingJob().run(loadOrFail(data, store), Hyperparameters.defaults(), store, null, progress)
                    .artifact();
        } else {
            throw new UserException(store.folder() + ": no model to serve; run `digitflow train` first");
        }
        return activate(artifact);
    }

    /** The MNIST data to train the first model on; no data and no model is a start-up failure. */
    private static io.digitflow.data.MnistData loadOrFail(MnistRepository data, ModelStore store) {
        try {
            return data.load();
        } catch (RuntimeException e) {
            throw new io.digitflow.StartupFailure("no model in " + store.folder() + " and no MNIST data to train one ("
                    + e.getMessage() + ")", "digitflow.data.dir (DIGITFLOW_DATA) or digitflow.data.mirror, or "
                    + "digitflow.home (DIGITFLOW_HOME) to a home with a model", e);
        }
    }

    /** Makes {@code artifact} the serving model, after a warm-up call on its classifier. */
    public Active activate(ModelArtifact artifact) {
        return activate(load(artifact));
    }

    /** The artifact's classifier for this replica's engine. */
    private Active load(ModelArtifact artifact) {
        return new Active(artifact.version(), Engines.create(artifact.network(), artifact.version(),
                config.batch().maxSize(), Engines.Choice.of(config)), Optional.of(artifact));
    }

    /** One call before any consumer thread copies it: the engine's first-call costs are paid here. */
    private static Active warm(Active model) {
        model.prototype().classify(new byte[][]{new byte[Shape.PIXELS]}, 1, new float[Classifier.CLASSES]);
        return model;
    }

    private synchronized Active activate(Active next) {
        warm(next);
        Active previous = active;
        active = next;
        Gauge.builder("digitflow.model.active", () -> active != null && active.version().equals(next.version()) ? 1 : 0)
                .description("1 for the model version being served")
                .tags(Tags.of("version", next.version()))
                .register(registry);
        Log.infof("Serving model %s%s", next.version(), next.artifact()
                .map(a -> String.format(" (test accuracy %.4f, %s)", a.metadata().testAccuracy(), a.folder()))
                .orElse(""));
        if (previous != null) {
            previous.prototype().close();
        }
        return next;
    }
}
