package io.digitflow.cli;

import io.digitflow.UserException;
import io.digitflow.config.DigitflowConfig;
import io.digitflow.model.ModelArtifact;
import io.digitflow.model.ModelStore;
import picocli.CommandLine.Option;

import java.nio.file.Path;

/** The {@code --model} option: an artifact folder, else the newest in the model store. */
final class ModelOptions {

    @Option(names = "--model", paramLabel = "DIR",
            description = "Model folder (holding model.zip and model.json). Default: the newest in <home>/models.")
    Path model;

    ModelArtifact load(DigitflowConfig config) {
        ModelStore store = new ModelStore(config.modelDir());
        Path path = model != null ? model : store.newest().orElseThrow(() -> new UserException(
                store.folder() + ": no model yet; run `digitflow train` first or pass --model DIR"));
        return ModelArtifact.load(path);
    }
}
