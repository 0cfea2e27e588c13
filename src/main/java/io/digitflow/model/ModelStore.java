package io.digitflow.model;

import io.digitflow.UserException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/** The local folder of model versions, one sub-folder each, named so that newer sorts later. */
public record ModelStore(Path folder) {

    private static final DateTimeFormatter VERSION = DateTimeFormatter.ofPattern("'v'yyyyMMdd-HHmmss");

    /** A fresh version id: the UTC time, with a suffix if that second is taken already. */
    public String newVersion(ZonedDateTime now) {
        String base = VERSION.format(now.withZoneSameInstant(ZoneOffset.UTC));
        String version = base;
        for (int i = 2; Files.exists(folder.resolve(version)); i++) {
            version = base + "-" + i;
        }
        return version;
    }

    public Path pathOf(String version) {
        return folder.resolve(version);
    }

    /** Versions that have a complete artifact, oldest first. */
    public List<String> versions() {
        if (!Files.isDirectory(folder)) {
            return List.of();
        }
        try (Stream<Path> children = Files.list(folder)) {
            return children
                    .filter(p -> !p.getFileName().toString().startsWith("."))
                    .filter(p -> Files.isRegularFile(p.resolve(ModelArtifact.METADATA_FILE))
                            && Files.isRegularFile(p.resolve(ModelArtifact.MODEL_FILE)))
                    .map(p -> p.getFileName().toString())
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new UserException(folder + ": cannot list models (" + e.getMessage() + ")", e);
        }
    }

    public Optional<Path> newest() {
        List<String> versions = versions();
        return versions.isEmpty() ? Optional.empty() : Optional.of(folder.resolve(versions.get(versions.size() - 1)));
    }
}
