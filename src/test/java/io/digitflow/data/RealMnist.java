package io.digitflow.data;

import org.junit.jupiter.api.Assumptions;

import java.nio.file.Path;

/** The real MNIST folder named by DIGITFLOW_DATA; tests needing it are skipped, saying why, without it. */
final class RealMnist {

    private static final String UNSET = "DIGITFLOW_DATA is unset: skipping the tests on the real MNIST files "
            + "(set it to the folder holding the four .gz files)";

    private RealMnist() {
    }

    static Path folder() {
        String value = System.getenv("DIGITFLOW_DATA");
        boolean set = value != null && !value.isBlank();
        if (!set) {
            System.err.println(UNSET); // the skip reason alone is easy to miss in Maven's summary
        }
        Assumptions.assumeTrue(set, UNSET);
        return Path.of(value);
    }
}
