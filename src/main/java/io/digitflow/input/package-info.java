/**
 * Decoding one record into a 28x28 image: raw, JSON, PNG/JPEG/WebP with the MNIST-style preparation, size limits, and the reasons a record is refused. May use config.
 */
package io.digitflow.input;
