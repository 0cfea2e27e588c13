package io.digitflow.model;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.digitflow.UserException;
import io.digitflow.platform.Nd4jRuntime;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * A trained model on disk: a folder named by its version holding the DL4J model ({@code model.zip})
 * and its metadata ({@code model.json}). Loading checks the architecture.
 */
public record ModelArtifact(Path folder, ModelMetadata metadata, MultiLayerNetwork network) {

    static {
        Nd4jRuntime.ensureTuned();
    }

    public static final String MODEL_FILE = "model.zip";
    public static final String METADATA_FILE = "model.json";

    static final ObjectMapper JSON = new ObjectMapper()
            .enable(SerializationFeature.INDENT_OUTPUT)
            // Newer writers may add fields; an older reader should still load the model.
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    /**
     * Writes {@code network} and {@code metadata} into {@code folder}, which must not exist yet. The
     * files are written beside it first and moved in at once, so a reader never sees half a model.
     */
    public static ModelArtifact save(Path folder, MultiLayerNetwork network, ModelMetadata metadata) {
        folder = folder.toAbsolutePath();
        if (Files.exists(folder)) {
            throw new UserException(folder + ": already exists; choose a new output folder");
        }
        Path staging = folder.resolveSibling("." + folder.getFileName() + ".tmp");
        try {
            Files.createDirectories(staging);
            // Without updater state: 1.5 MB instead of 2.9, and serving never needs it.
            ModelSerializer.writeModel(network, staging.resolve(MODEL_FILE).toFile(), false);
            JSON.writeValue(staging.resolve(METADATA_FILE).toFile(), metadata);
            Files.move(staging, folder, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UserException(folder + ": cannot write model (" + e.getMessage() + ")", e);
        }
        return new ModelArtifact(folder, metadata, network);
    }

    /** Reads an artifact folder (or its model.json / model.zip), refusing anything but 784 in, 10 out. */
    public static ModelArtifact load(Path path) {
        Path folder = Files.isDirectory(path) ? path : path.toAbsolutePath().getParent();
        if (!Files.exists(path)) {
            throw new UserException(path + ": no such model folder");
        }
        ModelMetadata metadata = readMetadata(folder.resolve(METADATA_FILE));
        Path modelFile = folder.resolve(MODEL_FILE);
        MultiLayerNetwork network;
        try {
            // Bounded, and without Java deserialization: a model may come from another machine.
            network = ModelZip.read(modelFile);
        } catch (NoSuchFileException | java.io.FileNotFoundException e) {
            throw new UserException(modelFile + ": missing");
        } catch (ModelZip.Refused e) {
            throw new UserException(modelFile + ": " + (e.getMessage().startsWith("not a DL4J model") ? ""
                    : "not a DL4J model we load: ") + e.getMessage(), e);
        } catch (IOException | RuntimeException e) {
            throw new UserException(modelFile + ": not a DL4J model (" + e.getMessage() + ")", e);
        }
        SeedNetwork.checkArchitecture(network, modelFile.toString());
        return new ModelArtifact(folder, metadata, network);
    }

    public static ModelMetadata readMetadata(Path file) {
        try {
            return JSON.readValue(file.toFile(), ModelMetadata.class);
        } catch (java.io.FileNotFoundException | NoSuchFileException e) {
            throw new UserException(file + ": missing");
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new UserException(file + ": not a digitflow model description (" + e.getOriginalMessage() + ")", e);
        } catch (IOException e) {
            throw new UserException(file + ": cannot read (" + e.getMessage() + ")", e);
        }
    }

    public String version() {
        return metadata.version();
    }
}
