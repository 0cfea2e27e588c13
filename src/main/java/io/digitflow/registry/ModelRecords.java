package io.digitflow.registry;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.digitflow.model.ModelArtifact;
import io.digitflow.model.ModelMetadata;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.UUID;

/**
 * The format of the models topic. A model record: key = version, value = the bytes of model.zip,
 * header {@value #METADATA_HEADER} = the bytes of model.json (one record, so a model and its
 * description can never be compacted apart). The pointer record: key {@code active}, JSON {@link ActivePointer}.
 * Both carry an Ed25519 signature in header {@value ModelSignatures#HEADER} (see {@link ModelSignatures}).
 */
public final class ModelRecords {

    /** The header holding model.json. */
    public static final String METADATA_HEADER = "model-json";

    static final ObjectMapper JSON = new ObjectMapper()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private ModelRecords() {
    }

    public static byte[] pointer(ActivePointer pointer) {
        try {
            return JSON.writeValueAsBytes(pointer);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static ActivePointer pointer(byte[] value) throws IOException {
        return JSON.readValue(value, ActivePointer.class);
    }

    public static ModelMetadata metadata(byte[] json) throws IOException {
        return JSON.readValue(json, ModelMetadata.class);
    }

    /**
     * Writes a model record into {@code folder} (a version folder of a model store, from
     * {@link io.digitflow.model.ModelStore#pathOf}, which confines it) unless it is there.
     * Written beside it under a unique name and moved in at once: replicas sharing a folder may race.
     */
    public static void materialize(Path folder, byte[] zip, byte[] metadataJson) {
        if (Files.isRegularFile(folder.resolve(ModelArtifact.METADATA_FILE))) {
            return;
        }
        Path staging = folder.resolveSibling("." + folder.getFileName() + "." + UUID.randomUUID() + ".tmp");
        try {
            Files.createDirectories(staging);
            Files.write(staging.resolve(ModelArtifact.MODEL_FILE), zip);
            Files.write(staging.resolve(ModelArtifact.METADATA_FILE), metadataJson);
            Files.move(staging, folder, StandardCopyOption.ATOMIC_MOVE);
        } catch (FileAlreadyExistsException | java.nio.file.DirectoryNotEmptyException e) {
            deleteQuietly(staging); // another replica was first; its copy is the same bytes
        } catch (IOException e) {
            deleteQuietly(staging);
            throw new UncheckedIOException(folder + ": cannot store model from Kafka", e);
        }
    }

    private static void deleteQuietly(Path staging) {
        try (var files = Files.list(staging)) {
            for (Path f : files.toList()) {
                Files.deleteIfExists(f);
            }
            Files.deleteIfExists(staging);
        } catch (IOException ignored) {
            // A leftover dot-folder is skipped by ModelStore.
        }
    }
}
