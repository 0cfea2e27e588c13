/**
 * Classifiers: the Classifier contract (uint8 batch in, probabilities out), ND4J, the native kernel's binding and loader, the constant engine, and the engine choice with its self-test. May use platform and config.
 */
package io.digitflow.inference;
