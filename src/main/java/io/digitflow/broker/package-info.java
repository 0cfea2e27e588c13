/**
 * The embedded single-node Apache Kafka broker (KRaft), its security, storage and data-folder lock, and its launcher for serve. May use kafka, platform and config.
 */
package io.digitflow.broker;
