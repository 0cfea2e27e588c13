package io.digitflow.control;

import java.util.Optional;

/**
 * Decides whether a retrained model may serve: test accuracy at least {@code minAccuracy}, and not
 * more than {@code maxDrop} below the serving model's.
 */
public record QualityGate(double minAccuracy, double maxDrop) {

    /** The decision and, when refused, why. */
    public record Verdict(boolean passed, String reason) {
    }

    public Verdict judge(double candidate, Optional<Double> serving) {
        if (candidate < minAccuracy) {
            return new Verdict(false, String.format("test accuracy %.4f is below the minimum %.4f "
                    + "(digitflow.training.min-accuracy)", candidate, minAccuracy));
        }
        if (serving.isPresent() && candidate < serving.get() - maxDrop) {
            return new Verdict(false, String.format("test accuracy %.4f is more than %.4f below the serving "
                    + "model's %.4f (digitflow.training.max-accuracy-drop)", candidate, maxDrop, serving.get()));
        }
        return new Verdict(true, String.format("test accuracy %.4f passes the gate (minimum %.4f%s)", candidate,
                minAccuracy, serving.map(s -> String.format(", serving %.4f", s)).orElse("")));
    }
}
