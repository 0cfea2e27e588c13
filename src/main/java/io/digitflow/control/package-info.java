/**
 * The control plane: commands from the control topic (parsing, bounds, signatures, replay log), their events, background retraining, the quality gate, promotion and rollback, labelled data, and the report of model swaps. May use stream, registry and everything below.
 */
package io.digitflow.control;
