package io.digitflow.data;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/** One split with the SHA-256 of the files it came from (file name to hex) and where they were found. */
public record LoadedSplit(MnistSplit split, Map<String, String> sha256, String source) {

    public LoadedSplit {
        Objects.requireNonNull(split, "split");
        Objects.requireNonNull(source, "source");
        // Insertion order kept so reports list images before labels, as the files were read.
        sha256 = Collections.unmodifiableMap(new LinkedHashMap<>(sha256));
    }
}
