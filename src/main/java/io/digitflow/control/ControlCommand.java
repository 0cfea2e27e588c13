package io.digitflow.control;

import io.digitflow.model.Hyperparameters;

import java.util.Optional;

/**
 * One validated command from the control topic. {@code hyperparameters} and {@code includeLabeled}
 * matter only for {@link Type#RETRAIN}, {@code version} only for promote and rollback.
 */
public record ControlCommand(String requestId, Type type, Hyperparameters hyperparameters, boolean includeLabeled,
                             Optional<String> version) {

    /** The commands an operator can send. */
    public enum Type {
        RETRAIN, PROMOTE, ROLLBACK, STATUS, CANCEL;

        /** The name used in JSON, e.g. {@code "retrain"}. */
        public String json() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }
}
