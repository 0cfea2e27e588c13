package io.digitflow.data;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The MNIST training and test splits, the SHA-256 of each file as stored (file name to hex) and the
 * folder or mirror they came from, so that a trained model can record exactly what it saw.
 */
public record MnistData(MnistSplit train, MnistSplit test, Map<String, String> sha256, String source) {

    public MnistData {
        Objects.requireNonNull(train, "train");
        Objects.requireNonNull(test, "test");
        Objects.requireNonNull(source, "source");
        sha256 = Collections.unmodifiableMap(new LinkedHashMap<>(sha256));
    }
}
