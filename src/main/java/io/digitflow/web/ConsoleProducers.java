package io.digitflow.web;

import io.digitflow.kafka.ClientFactory;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;

import java.util.Map;

/**
 * The console's producers: the service's Kafka settings, acks=all, and short timeouts, since a person
 * waits on the page for each send.
 */
final class ConsoleProducers {

    private ConsoleProducers() {
    }

    static KafkaProducer<String, byte[]> create(Map<String, Object> kafka, String clientId) {
        return ClientFactory.of(kafka).producer(clientId, Map.of(
                ProducerConfig.CLIENT_ID_CONFIG, clientId,
                ProducerConfig.MAX_BLOCK_MS_CONFIG, 5000,
                ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 10000,
                ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 5000));
    }
}
