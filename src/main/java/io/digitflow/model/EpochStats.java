package io.digitflow.model;

/** One epoch of training: mean loss and accuracy over its batches, and its wall time. */
public record EpochStats(int epoch, double loss, double accuracy, double seconds, double imagesPerSecond) {
}
