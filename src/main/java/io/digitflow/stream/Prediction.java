package io.digitflow.stream;

/**
 * One record of {@code digits.predictions}: the digit, its probability, all ten probabilities in
 * digit order, the model version that made it, where the input came from and how long it took.
 */
public record Prediction(String id, int digit, float confidence, float[] probabilities, String model,
                         int partition, long offset, double latencyMs) {
}
