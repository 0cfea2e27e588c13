/**
 * What every Kafka client here shares: topic names and specs, topic set-up and reading, client settings from kafka.*, and this replica's id. Uses nothing of the app above config.
 */
package io.digitflow.kafka;
