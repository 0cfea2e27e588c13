package io.digitflow.platform;

import java.nio.file.Path;

/**
 * The folder digitflow keeps its files in (models, the MNIST download cache, the local broker's
 * data, extracted native libraries): {@code digitflow.home} or {@code DIGITFLOW_HOME}, else
 * {@code ~/.digitflow}. Read before Quarkus starts, so it cannot come from the config mapping.
 */
public final class DigitflowHome {

    private DigitflowHome() {
    }

    public static Path resolve() {
        String value = System.getProperty("digitflow.home");
        if (value == null || value.isBlank()) {
            value = System.getenv("DIGITFLOW_HOME");
        }
        if (value == null || value.isBlank()) {
            return Path.of(System.getProperty("user.home"), ".digitflow");
        }
        return Path.of(value);
    }
}
