package io.digitflow.data;

import io.digitflow.support.TestMnist;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static io.digitflow.data.IdxFixtures.gzip;
import static io.digitflow.data.IdxFixtures.sha256;
import static io.digitflow.data.MnistFiles.TEST_IMAGES;
import static io.digitflow.data.MnistFiles.TEST_LABELS;
import static io.digitflow.data.MnistFiles.TRAIN_IMAGES;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Downloads from a real HTTP server on 127.0.0.1 into the cache. */
class MnistDownloadTest {

    /** Generous: a cold HttpClient on a busy two-core machine can take longer than a second to connect. */
    private static final Duration READ_TIMEOUT = Duration.ofSeconds(30);
    /** Short, for the tests that wait for the timeout to fire. */
    private static final Duration STALL_TIMEOUT = Duration.ofMillis(300);
    private static final List<String> TEST_PATHS = List.of("/mnist/" + TEST_IMAGES, "/mnist/" + TEST_LABELS);

    private final MirrorServer server = new MirrorServer();
    /** No proxy: a proxy configured on the machine must not swallow requests to 127.0.0.1. */
    private final HttpClient client = HttpClient.newBuilder()
            .proxy(HttpClient.Builder.NO_PROXY)
            .connectTimeout(Duration.ofSeconds(5))
            .build();

    @TempDir
    Path cache;

    @AfterEach
    void stopServer() {
        server.close();
    }

    @Test
    void downloadsIntoTheCacheOnceAndThenReadsFromIt() throws IOException {
        Map<String, byte[]> files = IdxFixtures.mnistGzipped();
        server.serve(files);

        MnistData first = repository(server.mirror()).load();

        assertThat(server.requests()).hasSize(4);
        assertThat(first.train().label(0)).isEqualTo(5);
        assertThat(first.test().count()).isEqualTo(IdxFixtures.TEST_COUNT);
        assertThat(first.source()).isEqualTo(server.mirror() + " (cached in " + cache + ")");
        for (String name : MnistFiles.ALL) {
            assertThat(Files.readAllBytes(cache.resolve(name))).isEqualTo(files.get(name));
            assertThat(first.sha256()).containsEntry(name, sha256(files.get(name)));
        }
        assertThat(cacheFiles()).containsExactlyInAnyOrderElementsOf(MnistFiles.ALL); // no temp files left

        MnistData second = repository(server.mirror()).load();

        assertThat(server.requests()).hasSize(4);
        assertThat(second.sha256()).isEqualTo(first.sha256());
        assertThat(second.train().images()).isEqualTo(first.train().images());
    }

    @Test
    void loadTestDownloadsOnlyTheTestFiles() {
        server.serve(IdxFixtures.mnistGzipped());

        LoadedSplit test = repository(server.mirror()).loadTest();

        assertThat(test.split().label(0)).isEqualTo(7);
        assertThat(server.requests()).containsExactlyElementsOf(TEST_PATHS);
    }

    @Test
    void joinsAMirrorGivenWithoutATrailingSlash() {
        server.serve(IdxFixtures.mnistGzipped());
        URI noSlash = URI.create(server.mirror().toString().replaceAll("/$", ""));

        repository(noSlash).loadTest();

        assertThat(server.requests()).containsExactlyElementsOf(TEST_PATHS);
    }

    @Test
    void refusesADownloadWithOneByteFlippedAndKeepsNothing() throws IOException {
        Map<String, byte[]> files = IdxFixtures.mnistGzipped();
        byte[] damaged = files.get(TEST_IMAGES).clone();
        damaged[damaged.length / 2] ^= 0x10;
        files.put(TEST_IMAGES, damaged);
        server.serve(files);

        assertThatThrownBy(() -> repository(server.mirror()).loadTest()).isInstanceOf(DataException.class)
                .hasMessageStartingWith(server.mirror() + TEST_IMAGES + ": content SHA-256 ")
                .hasMessageContaining("expected " + IdxFixtures.contentSha256().get(TEST_IMAGES))
                .hasMessageEndingWith("the download was discarded "
                        + "(a damaged transfer, or the mirror serves other data)");
        assertThat(cacheFiles()).isEmpty();
    }

    @Test
    void refusesADownloadWithOtherContentNamingBothHashes() throws IOException {
        Map<String, byte[]> files = IdxFixtures.mnistGzipped();
        byte[] other = IdxFixtures.labels(IdxFixtures.TEST_COUNT, 1);
        files.put(TEST_LABELS, gzip(other));
        server.serve(files);

        assertThatThrownBy(() -> repository(server.mirror()).loadTest())
                .hasMessage(server.mirror() + TEST_LABELS + ": content SHA-256 is " + sha256(other) + ", expected "
                        + IdxFixtures.contentSha256().get(TEST_LABELS)
                        + "; the download was discarded (a damaged transfer, or the mirror serves other data)");
        // The good file fetched before it stays: it was verified on its own.
        assertThat(cacheFiles()).containsExactly(TEST_IMAGES);
    }

    @Test
    void reportsAnHttpErrorWithTheUrlAndStatus() throws IOException {
        Map<String, byte[]> files = IdxFixtures.mnistGzipped();
        files.remove(TEST_LABELS);
        server.serve(files);

        assertThatThrownBy(() -> repository(server.mirror()).loadTest())
                .hasMessage(server.mirror() + TEST_LABELS + ": HTTP 404 (expected 200)");
        assertThat(cacheFiles()).containsExactly(TEST_IMAGES);
    }

    @Test
    void refusesADamagedCacheFileWithoutDownloading() throws IOException {
        Map<String, byte[]> files = IdxFixtures.mnistGzipped();
        server.serve(files);
        Path cached = Files.write(cache.resolve(TEST_IMAGES), gzip(IdxFixtures.images(1)));

        assertThatThrownBy(() -> repository(server.mirror()).loadTest())
                .hasMessageStartingWith(cached + ": content SHA-256 is ")
                .hasMessageEndingWith("the cached copy is damaged: delete it and run again to download it afresh");
        assertThat(server.requests()).isEmpty();
    }

    @Test
    void givesUpOnAServerThatStopsSendingMidFile() throws IOException {
        Map<String, byte[]> files = IdxFixtures.mnistGzipped();
        server.serve(files).stall(TEST_IMAGES, files.get(TEST_IMAGES), 10);

        assertThatThrownBy(() -> repository(server.mirror(), STALL_TIMEOUT).loadTest())
                .hasMessageStartingWith(server.mirror() + TEST_IMAGES + ": no data for 300 ms; without network access");
        assertThat(cacheFiles()).isEmpty();
    }

    @Test
    void givesUpOnAServerThatNeverAnswers() throws IOException {
        Map<String, byte[]> files = IdxFixtures.mnistGzipped();
        server.serve(files).stall(TEST_IMAGES, files.get(TEST_IMAGES), -1);

        // Either the request's own timeout or the progress watch fires first; both are the read timeout.
        assertThatThrownBy(() -> repository(server.mirror(), STALL_TIMEOUT).loadTest())
                .hasMessageStartingWith(server.mirror() + TEST_IMAGES + ": no ")
                .hasMessageContaining(" 300 ms; without network access");
        assertThat(cacheFiles()).isEmpty();
    }

    @Test
    void reportsAMirrorThatRefusesConnections() {
        URI closed = server.mirror();
        server.close();

        assertThatThrownBy(() -> repository(closed).loadTest())
                .hasMessageStartingWith(closed + TEST_IMAGES + ": download failed (java.net.ConnectException")
                .hasMessageEndingWith("set digitflow.data.dir (DIGITFLOW_DATA) to it");
    }

    @Test
    void downloadsTheRealFilesAgainstTheRealChecksums() throws IOException {
        Path folder = TestMnist.folderOrSkip();
        Map<String, byte[]> files = new LinkedHashMap<>();
        for (String name : MnistFiles.ALL) {
            files.put(name, Files.readAllBytes(folder.resolve(name)));
        }
        server.serve(files);

        MnistData data = new MnistRepository(Optional.empty(), server.mirror(), cache, client).load();

        assertThat(data.train().count()).isEqualTo(60_000);
        assertThat(data.test().count()).isEqualTo(10_000);
        assertThat(data.train().label(0)).isEqualTo(5);
        assertThat(data.test().label(0)).isEqualTo(7);
        for (String name : MnistFiles.ALL) {
            assertThat(data.sha256()).containsEntry(name, sha256(files.get(name)));
        }
        assertThat(server.requests()).hasSize(4);
    }

    private MnistRepository repository(URI mirror) {
        return repository(mirror, READ_TIMEOUT);
    }

    private MnistRepository repository(URI mirror, Duration readTimeout) {
        return new MnistRepository(Optional.empty(), mirror, cache, client, IdxFixtures.contentSha256(), readTimeout);
    }

    private List<String> cacheFiles() throws IOException {
        try (var entries = Files.list(cache)) {
            return entries.map(path -> path.getFileName().toString()).toList();
        }
    }
}
