/**
 * What every Kafka client here shares: topic names and specs, topic set-up and reading, the one factory of every Kafka client (ClientFactory, from kafka.* and KAFKA_*), and this replica's id. Uses nothing of the app above config.
 */
package io.digitflow.kafka;
