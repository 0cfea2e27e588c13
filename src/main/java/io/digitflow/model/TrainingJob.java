package io.digitflow.model;

import io.digitflow.data.MnistData;
import io.digitflow.inference.Nd4jClassifier;
import io.digitflow.platform.Nd4jRuntime;

import java.nio.file.Path;
import java.time.ZonedDateTime;

/**
 * The bundled training job: train the seed network, evaluate it on the test set, write the
 * artifact. The command line and retraining from the control topic both run this.
 */
public final class TrainingJob {

    private final Trainer trainer = new Trainer();

    /** Stops a running job after its current step. */
    public void cancel() {
        trainer.cancel();
    }

    /** Runs the job; {@code output} is the artifact folder to create (null = a new version in {@code store}). */
    public Outcome run(MnistData data, Hyperparameters hp, ModelStore store, Path output, Trainer.Progress progress) {
        ZonedDateTime created = ZonedDateTime.now();
        Trainer.Result result = trainer.train(data.train(), hp, progress);
        Evaluation evaluation;
        try (Nd4jClassifier classifier = new Nd4jClassifier(result.network(), "candidate", 1000)) {
            evaluation = Evaluation.of(classifier, data.test());
        }
        String version = output != null ? output.getFileName().toString() : store.newVersion(created);
        Path folder = output != null ? output : store.pathOf(version);
        ModelMetadata metadata = new ModelMetadata(version, created.toOffsetDateTime().toString(),
                SeedNetwork.DESCRIPTION, hp, data.sha256(), data.train().count(), data.test().count(),
                result.history(), evaluation.accuracy(), evaluation.loss(), evaluation.confusion(),
                ModelMetadata.perClass(evaluation), result.seconds(), Nd4jRuntime.describe());
        ModelArtifact artifact = ModelArtifact.save(folder, result.network(), metadata);
        return new Outcome(artifact, evaluation);
    }

    /** The saved model and its test-set results. */
    public record Outcome(ModelArtifact artifact, Evaluation evaluation) {
    }
}
