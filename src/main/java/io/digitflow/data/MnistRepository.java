package io.digitflow.data;

import io.digitflow.data.FileSource.SourcedFile;
import org.jboss.logging.Logger;

import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static io.digitflow.data.MnistFiles.TEST_IMAGES;
import static io.digitflow.data.MnistFiles.TEST_LABELS;
import static io.digitflow.data.MnistFiles.TRAIN_IMAGES;
import static io.digitflow.data.MnistFiles.TRAIN_LABELS;

/** Loads MNIST from the user's folder when one is given, else from a cache filled from a mirror. */
public final class MnistRepository {

    private static final Logger LOG = Logger.getLogger(MnistRepository.class);

    /** Google's copy, the one TensorFlow uses; yann.lecun.com now often refuses downloads. */
    public static final URI DEFAULT_MIRROR = URI.create("https://storage.googleapis.com/cvdf-datasets/mnist/");
    /** Long enough for a slow first TLS handshake, short enough that an offline machine fails in seconds. */
    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(20);
    /** How long a server may send nothing; a stalled mirror should fail, a slow one should not. */
    static final Duration READ_TIMEOUT = Duration.ofSeconds(60);

    private final FileSource source;

    /** Downloads, when needed, from the default mirror. */
    public MnistRepository(Optional<Path> dataDir, Path cacheDir) {
        this(dataDir, DEFAULT_MIRROR, cacheDir);
    }

    /** Downloads, when needed, from {@code mirror}, with a connect timeout and redirects followed. */
    public MnistRepository(Optional<Path> dataDir, URI mirror, Path cacheDir) {
        this(dataDir, mirror, cacheDir, HttpClient.newBuilder()
                .connectTimeout(CONNECT_TIMEOUT)
                .followRedirects(HttpClient.Redirect.NORMAL)
                .build());
    }

    public MnistRepository(Optional<Path> dataDir, URI mirror, Path cacheDir, HttpClient client) {
        this(dataDir, mirror, cacheDir, client, MnistFiles.CONTENT_SHA256, READ_TIMEOUT);
    }

    /** For tests: synthetic files have their own checksums, and a stalled server should fail fast. */
    MnistRepository(Optional<Path> dataDir, URI mirror, Path cacheDir, HttpClient client,
                    Map<String, String> expectedContentSha256, Duration readTimeout) {
        this.source = dataDir.<FileSource>map(dir -> new LocalFolder(dir, expectedContentSha256))
                .orElseGet(() -> new DownloadCache(mirror, cacheDir, new Downloader(client, readTimeout),
                        expectedContentSha256));
    }

    /** Both splits, for training. */
    public MnistData load() {
        Map<String, SourcedFile> files = resolve(MnistFiles.ALL);
        return new MnistData(read(files, TRAIN_IMAGES, TRAIN_LABELS), read(files, TEST_IMAGES, TEST_LABELS),
                sha256(files), source.describe());
    }

    /** The test split only, for commands that evaluate a trained model. */
    public LoadedSplit loadTest() {
        Map<String, SourcedFile> files = resolve(List.of(TEST_IMAGES, TEST_LABELS));
        return new LoadedSplit(read(files, TEST_IMAGES, TEST_LABELS), sha256(files), source.describe());
    }

    /** Finds (or fetches) every file before parsing any, so a missing one fails at once, not after 47 MB. */
    private Map<String, SourcedFile> resolve(List<String> names) {
        LOG.debugf("Loading MNIST from %s", source.describe());
        Map<String, SourcedFile> files = new LinkedHashMap<>();
        for (String name : names) {
            files.put(name, source.resolve(name));
        }
        return files;
    }

    private static MnistSplit read(Map<String, SourcedFile> files, String images, String labels) {
        return MnistSplit.of(IdxReader.readImages(files.get(images).path()),
                IdxReader.readLabels(files.get(labels).path()));
    }

    /** Keyed by the name actually found, which tells a report whether the user's files were gzipped. */
    private static Map<String, String> sha256(Map<String, SourcedFile> files) {
        Map<String, String> sums = new LinkedHashMap<>();
        files.values().forEach(file -> sums.put(file.path().getFileName().toString(), file.sha256()));
        return sums;
    }
}
