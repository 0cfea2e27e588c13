/**
 * The commands (picocli through Quarkus command mode), their options, progress bars and one-line errors, and what send and watch share (headers, latency statistics). Top floor: may use every package, and none uses it.
 */
package io.digitflow.cli;
