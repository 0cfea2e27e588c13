package io.digitflow.model;

import io.digitflow.UserException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.nio.file.LinkOption;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.regex.Pattern;
import java.util.Optional;
import java.util.stream.Stream;

/** The local folder of model versions, one sub-folder each, named so that newer sorts later. */
public record ModelStore(Path folder) {

    private static final DateTimeFormatter VERSION_TIME = DateTimeFormatter.ofPattern("'v'yyyyMMdd-HHmmss");

    /** A fresh version id: the UTC time, with a suffix if that second is taken already. */
    public String newVersion(ZonedDateTime now) {
        String base = VERSION_TIME.format(now.withZoneSameInstant(ZoneOffset.UTC));
        String version = base;
        for (int i = 2; Files.exists(folder.resolve(version)); i++) {
            version = base + "-" + i;
        }
        return version;
    }

    /** What a version may be: it becomes a folder name, so nothing that could name another place. */
    public static final Pattern VERSION = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

    /** Empty when {@code version} is a valid version name, else why not (the name shown escaped). */
    public static Optional<String> invalidVersion(String version) {
        if (version == null) {
            return Optional.of("no version");
        }
        if (!VERSION.matcher(version).matches()) {
            return Optional.of("version \"" + ModelZip.printable(version) + "\" is not a version name ("
                    + VERSION.pattern() + ")");
        }
        return Optional.empty();
    }

    /**
     * The folder of {@code version}, checked to be a valid name and to lie directly in this store.
     *
     * @throws IllegalArgumentException for anything else, before the file system is touched
     */
    public Path pathOf(String version) {
        invalidVersion(version).ifPresent(why -> {
            throw new IllegalArgumentException(why);
        });
        return inside(version);
    }

    /** {@code name} resolved in this store, refused unless it stays directly inside it. */
    private Path inside(String name) {
        Path root = folder.toAbsolutePath().normalize();
        Path path = root.resolve(name).normalize();
        if (!root.equals(path.getParent())) {
            throw new IllegalArgumentException("\"" + ModelZip.printable(name) + "\" is outside " + root);
        }
        return path;
    }

    /**
     * Moves a version folder that would not load out of the store's sight (versions() skips dot-folders),
     * keeping it, inside this store, for inspection. Best effort: a replica sharing the folder may have
     * moved it first. Never touches anything outside the store: an invalid version moves nothing.
     */
    public void quarantine(String version) {
        if (invalidVersion(version).isPresent()) {
            return;
        }
        Path path = pathOf(version);
        if (!Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        Path aside = inside(REFUSED_PREFIX + version + "-" + UUID.randomUUID());
        try {
            Files.move(path, aside, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            // Gone already (moved by a replica sharing the folder): nothing to hide.
        }
    }

    /** Folders of refused models start with this. */
    public static final String REFUSED_PREFIX = ".refused-";

    /**
     * Deletes old versions and refused copies: keeps every version in {@code keep} (the active one and
     * its rollback history), the newest {@code keepVersions} others, and the newest {@code keepVersions}
     * refused copies. Returns what was deleted.
     */
    public List<String> prune(Collection<String> keep, int keepVersions) {
        List<String> deleted = new ArrayList<>();
        List<String> old = new ArrayList<>(versions());
        old.removeAll(keep);
        for (String version : old.subList(0, Math.max(0, old.size() - Math.max(0, keepVersions)))) {
            if (deleteTree(inside(version))) {
                deleted.add(version);
            }
        }
        if (Files.isDirectory(folder)) {
            List<Path> refused;
            try (Stream<Path> children = Files.list(folder)) {
                refused = children.filter(p -> p.getFileName().toString().startsWith(REFUSED_PREFIX))
                        .sorted(Comparator.comparing(ModelStore::modified)).toList();
            } catch (IOException e) {
                return deleted;
            }
            for (Path p : refused.subList(0, Math.max(0, refused.size() - Math.max(0, keepVersions)))) {
                if (deleteTree(inside(p.getFileName().toString()))) {
                    deleted.add(p.getFileName().toString());
                }
            }
        }
        return deleted;
    }

    private static java.nio.file.attribute.FileTime modified(Path p) {
        try {
            return Files.getLastModifiedTime(p, LinkOption.NOFOLLOW_LINKS);
        } catch (IOException e) {
            return java.nio.file.attribute.FileTime.fromMillis(0);
        }
    }

    /** Deletes a folder of this store and what is in it, without following links out of it. */
    private boolean deleteTree(Path path) {
        try (Stream<Path> tree = Files.walk(path)) {
            for (Path p : tree.sorted(Comparator.reverseOrder()).toList()) {
                if (p.normalize().startsWith(path)) {
                    Files.deleteIfExists(p);
                }
            }
            return true;
        } catch (IOException | java.io.UncheckedIOException e) {
            return false; // another replica sharing the folder pruned it first, or it is in use
        }
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
