package io.digitflow.control;

import io.digitflow.model.Hyperparameters;

import java.util.Optional;

/**
 * One validated command from the control topic. {@code hyperparameters}, {@code includeLabeled} and
 * {@code promote} matter only for {@link Type#RETRAIN}; {@code version} for promote, rollback, shadow and canary
 * (where {@value #OFF} ends the experiment); {@code percent} for canary.
 */
public record ControlCommand(String requestId, Type type, Hyperparameters hyperparameters, boolean includeLabeled,
                             Optional<String> version, boolean promote, int percent) {

    /** The version that ends a shadow or a canary. */
    public static final String OFF = "off";

    public ControlCommand(String requestId, Type type, Hyperparameters hyperparameters, boolean includeLabeled,
                          Optional<String> version) {
        this(requestId, type, hyperparameters, includeLabeled, version, true, 0);
    }

    /** The commands an operator can send. */
    public enum Type {
        RETRAIN, PROMOTE, ROLLBACK, STATUS, CANCEL, SHADOW, CANARY;

        /** The name used in JSON, e.g. {@code "retrain"}. */
        public String json() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }
}
