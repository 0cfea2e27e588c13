/**
 * The data path: the images consumer (SmallRye, poll batches), decoding and classifying a batch, predictions and dead letters, the output producer, partition ownership across rebalances, metrics and the console's tap. May use registry and everything below; never the control plane.
 */
package io.digitflow.stream;
