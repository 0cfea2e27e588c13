package io.digitflow.support;

import io.digitflow.model.Hyperparameters;
import io.digitflow.model.ModelStore;
import io.digitflow.model.Trainer;
import io.digitflow.model.TrainingJob;

import java.nio.file.Path;

/**
 * A model for the service tests: one epoch on the real data (~0.96 test accuracy), trained once
 * into the test home and reused by later test runs of the same build folder.
 */
public final class TestModels {

    /** The digitflow home of the service tests. */
    public static final Path HOME = Path.of("target", "test-home").toAbsolutePath();

    private TestModels() {
    }

    public static synchronized Path ensure() {
        ModelStore store = new ModelStore(HOME.resolve("models"));
        return store.newest().orElseGet(() -> new TrainingJob()
                .run(TestMnist.get(), new Hyperparameters(1, 128, 0.001, 0.9, 1e-7, 11), store, null,
                        new Trainer.Progress() {
                        })
                .artifact().folder());
    }
}
