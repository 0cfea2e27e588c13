package io.digitflow.web;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.digitflow.model.ModelArtifact;
import io.digitflow.model.ModelMetadata;
import io.digitflow.model.ModelStore;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The model versions this replica holds (every version the models topic delivered, plus local ones),
 * newest first, with test accuracy and training time. Descriptions are read once per version, since
 * a version never changes, and at most {@link #SHOWN} are shown.
 */
final class ModelCatalog {

    static final int SHOWN = 20;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final ModelStore store;
    private final Map<String, Optional<ModelMetadata>> read = new LinkedHashMap<>();

    ModelCatalog(Path folder) {
        this.store = new ModelStore(folder);
    }

    synchronized ArrayNode list(Optional<String> active) {
        ArrayNode list = JSON.createArrayNode();
        List<String> versions;
        try {
            versions = store.versions();
        } catch (RuntimeException e) {
            return list;
        }
        read.keySet().retainAll(versions);
        for (int i = versions.size() - 1; i >= 0 && list.size() < SHOWN; i--) {
            String version = versions.get(i);
            ObjectNode node = list.addObject().put("version", version)
                    .put("active", active.map(version::equals).orElse(false));
            metadata(version).ifPresent(m -> node.put("testAccuracy", m.testAccuracy())
                    .put("trainingSeconds", m.trainingSeconds()).put("createdAt", m.createdAt())
                    .put("trainImages", m.trainImages()));
        }
        return list;
    }

    private Optional<ModelMetadata> metadata(String version) {
        return read.computeIfAbsent(version, v -> {
            try {
                return Optional.of(ModelArtifact.readMetadata(store.pathOf(v).resolve(ModelArtifact.METADATA_FILE)));
            } catch (RuntimeException e) {
                return Optional.empty();
            }
        });
    }
}
