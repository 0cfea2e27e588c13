/**
 * The machine: CPU features, native tuning, what ND4J loaded, the digitflow home folder. Uses nothing of the app.
 */
package io.digitflow.platform;
