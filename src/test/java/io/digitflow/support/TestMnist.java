package io.digitflow.support;

import io.digitflow.data.MnistData;
import io.digitflow.data.MnistRepository;

import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The real MNIST set for tests, loaded once per JVM: from the folder in DIGITFLOW_DATA (CI sets it),
 * else downloaded into the user's digitflow cache with checksum checks, as the app would.
 */
public final class TestMnist {

    private static MnistData data;

    private TestMnist() {
    }

    public static synchronized MnistData get() {
        if (data == null) {
            Optional<Path> folder = Optional.ofNullable(System.getenv("DIGITFLOW_DATA")).filter(s -> !s.isBlank())
                    .map(Path::of);
            Path cache = Path.of(System.getProperty("user.home"), ".digitflow", "mnist");
            data = new MnistRepository(folder, URI.create("https://storage.googleapis.com/cvdf-datasets/mnist/"),
                    cache, HttpClient.newHttpClient()).load();
        }
        return data;
    }
}
