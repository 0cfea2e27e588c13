package io.digitflow.model;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Version names cannot leave the model folder, and retention keeps what a rollback needs. */
class ModelStoreTest {

    @TempDir
    Path home;

    @Test
    void onlyPlainVersionNamesBecomePaths() {
        ModelStore store = new ModelStore(home.resolve("models"));
        for (String bad : new String[] {"../victim", "..", ".", "", "a/b", "a\0b", "/etc", ".hidden", "-x",
                "a".repeat(65), "v1\nv2"}) {
            assertThat(ModelStore.invalidVersion(bad)).as(bad).isPresent();
            assertThatThrownBy(() -> store.pathOf(bad)).as(bad).isInstanceOf(IllegalArgumentException.class);
        }
        assertThat(ModelStore.invalidVersion(null)).isPresent();
        assertThat(store.pathOf("v20240101-120000-2")).isEqualTo(home.resolve("models").resolve("v20240101-120000-2")
                .toAbsolutePath());
    }

    @Test
    void quarantineNeverMovesAnythingOutsideTheStore() throws IOException {
        Path victim = Files.createDirectories(home.resolve("victim"));
        Files.writeString(victim.resolve("data"), "keep me");
        ModelStore store = new ModelStore(Files.createDirectories(home.resolve("models")));
        store.quarantine("../victim");
        store.quarantine("..");
        assertThat(victim.resolve("data")).hasContent("keep me");
        try (var children = Files.list(home)) {
            assertThat(children.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("victim", "models");
        }
    }

    @Test
    void pruneKeepsTheActiveVersionItsHistoryAndTheNewestOthers() throws IOException {
        ModelStore store = new ModelStore(home.resolve("models"));
        for (String v : List.of("v1", "v2", "v3", "v4", "v5", "v6")) {
            Path folder = Files.createDirectories(store.folder().resolve(v));
            Files.writeString(folder.resolve(ModelArtifact.METADATA_FILE), "{}");
            Files.writeString(folder.resolve(ModelArtifact.MODEL_FILE), "zip");
        }
        for (int i = 0; i < 4; i++) {
            Files.createDirectories(store.folder().resolve(ModelStore.REFUSED_PREFIX + "bad-" + i));
        }
        Path outside = Files.createDirectories(home.resolve("v0"));
        List<String> deleted = store.prune(List.of("v1", "v3"), 1);
        assertThat(store.versions()).containsExactly("v1", "v3", "v6");
        assertThat(deleted).contains("v2", "v4", "v5");
        try (var children = Files.list(store.folder())) {
            assertThat(children.filter(p -> p.getFileName().toString().startsWith(ModelStore.REFUSED_PREFIX))).hasSize(1);
        }
        assertThat(outside).exists();
    }
}
